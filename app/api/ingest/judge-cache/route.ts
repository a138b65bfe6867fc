import { judgeCachePutSchema } from '../../../../core/ingest';
import { db } from '../../../../server/db';
import { judgeCachePut } from '../../../../server/services/evals';
import { ingestHandler } from '../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** Store validated judge replies (write-once per key). Runner token. */
export async function POST(req: Request) {
  return ingestHandler(req, judgeCachePutSchema, (body) => judgeCachePut(db(), body.entries));
}
