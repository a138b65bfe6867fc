import { notFound } from 'next/navigation';
import { CuratePage } from '../../../components/curation/CuratePage';
import { db } from '../../../server/db';

export const dynamic = 'force-dynamic';

export default async function CurateRunRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const run = await db().run.findUnique({ where: { id }, select: { kind: true } });
  if (!run || run.kind !== 'curate') notFound();
  return <CuratePage runId={id} />;
}
