import { db } from '../../../../../../server/db';
import { datasetClipsForRunner } from '../../../../../../server/services/datasets';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** A dataset's clips (by name or id) with their think annotations, 5,000 per page (`?cursor=`). */
export async function GET(req: Request, { params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const cursor = new URL(req.url).searchParams.get('cursor');
  return ingestHandler(req, null, () => datasetClipsForRunner(db(), decodeURIComponent(name), cursor));
}
