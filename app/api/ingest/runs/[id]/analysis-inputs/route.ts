import { db } from '../../../../../../server/db';
import { analysisInputsForRunner } from '../../../../../../server/services/analysis';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** An analyze run's config and the captions to analyse (with their clips' references). Runner token. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, null, () => analysisInputsForRunner(db(), id));
}
