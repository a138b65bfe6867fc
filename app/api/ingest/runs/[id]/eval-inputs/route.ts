import { db } from '../../../../../../server/db';
import { evalInputsForRunner } from '../../../../../../server/services/evals';
import { ingestHandler } from '../../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** An eval run's validated config and its captions (imported) or checkpoint (to caption with). Runner token. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, null, () => evalInputsForRunner(db(), id));
}
