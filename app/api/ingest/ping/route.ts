import { ingestHandler } from '../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** `{"ok": true}` when the runner token is accepted (401 otherwise): the runner's and CLI's start-up check. */
export async function GET(req: Request) {
  return ingestHandler(req, null, async () => ({ ok: true }));
}
