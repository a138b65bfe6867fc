import { createRunSchema, sanitizeJsonText } from '../../../../core/ingest';
import { db } from '../../../../server/db';
import { ingestHandler } from '../../../../server/services/http';
import { createExternalRun } from '../../../../server/services/runs';

export const dynamic = 'force-dynamic';

/** Create a run record from outside the browser (importers, scripts). It is not enqueued; a personal token records its owner. */
export async function POST(req: Request) {
  return ingestHandler(req, createRunSchema, (body, caller) => createExternalRun(db(), sanitizeJsonText(body).value, caller.kind === 'user' ? caller.userId : null));
}
