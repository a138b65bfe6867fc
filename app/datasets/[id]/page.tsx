import { DatasetPage } from '../../../components/datasets/DatasetPage';

export const dynamic = 'force-dynamic';

export default async function DatasetRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DatasetPage id={decodeURIComponent(id)} />;
}
