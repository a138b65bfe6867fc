import { judgeCacheLookupSchema } from '../../../../../core/ingest';
import { db } from '../../../../../server/db';
import { judgeCacheLookup } from '../../../../../server/services/evals';
import { ingestHandler } from '../../../../../server/services/http';

export const dynamic = 'force-dynamic';

/** Cached judge replies for up to 1,000 keys: {"replies": {"<key>": "<reply>"}}. Runner token. */
export async function POST(req: Request) {
  return ingestHandler(req, judgeCacheLookupSchema, (body) => judgeCacheLookup(db(), body.keys));
}
