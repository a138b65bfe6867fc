import { db } from '../../../../../server/db';
import { isCancelRequested } from '../../../../../server/queue';
import { runForRunner } from '../../../../../server/services/ingest';
import { ingestHandler } from '../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** What a runner needs to start or resume: validated config, last checkpoint, next log seq, cancel flag. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return ingestHandler(req, null, async () => ({ ...(await runForRunner(db(), id)), cancelRequested: await isCancelRequested(id) }), { runId: id });
}
