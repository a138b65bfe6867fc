import { db } from '../../../../../../server/db';
import { evalSamplesForRunner } from '../../../../../../server/services/evals';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** The clips an eval run has stored ({benchmark, subset, clipId, failed, scores}), for resume and aggregation. Runner token. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, null, () => evalSamplesForRunner(db(), id));
}
