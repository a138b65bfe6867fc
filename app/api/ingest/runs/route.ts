import { createRunSchema, sanitizeJsonText } from '../../../../core/ingest';
import { db } from '../../../../server/db';
import { ingestHandler } from '../../../../server/services/http';
import { createExternalRun } from '../../../../server/services/runs';

export const dynamic = 'force-dynamic';

/** Create a run record from outside the browser (importers, scripts). It is not enqueued. */
export async function POST(req: Request) {
  return ingestHandler(req, createRunSchema, (body) => createExternalRun(db(), sanitizeJsonText(body).value));
}
