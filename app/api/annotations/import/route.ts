import { requireRole } from '../../../../server/auth/route';
import { db } from '../../../../server/db';
import { ValidationError } from '../../../../server/services/errors';
import { importAnnotations } from '../../../../server/services/annotation-files';

export const dynamic = 'force-dynamic';

/**
 * POST /api/annotations/import?format=jsonl|csv with the file as the body. All or nothing: 400 with
 * `errors` ("line N, field F: …") and nothing stored when any line is bad; never changes stored spans.
 */
export async function POST(req: Request) {
  const caller = await requireRole(req, 'annotate');
  if (caller instanceof Response) return caller;
  const format = new URL(req.url).searchParams.get('format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') return Response.json({ error: `format: must be jsonl or csv, got "${format}"` }, { status: 400 });
  const content = await req.text();
  try {
    return Response.json(await importAnnotations(db(), format, content));
  } catch (e) {
    if (e instanceof ValidationError) return Response.json({ error: e.message, ...e.extra }, { status: 400 });
    throw e;
  }
}
