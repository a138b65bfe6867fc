import { curatedDatasetSchema } from '../../../../../../core/curation/wire';
import { db } from '../../../../../../server/db';
import { putCuratedDataset } from '../../../../../../server/services/curation';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** Create (first call) or extend a curate run's output training dataset. */
export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, curatedDatasetSchema, (body) => putCuratedDataset(db(), id, body));
}
