import { z } from 'zod';
import { requireRole } from '../../../../server/auth/route';
import { db } from '../../../../server/db';
import { exportAnnotations } from '../../../../server/services/annotation-files';

export const dynamic = 'force-dynamic';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1)).min(1).max(5000));
const query = z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl'), clips: list.optional(), sources: list.optional(), origin: z.enum(['human', 'auto']).optional() });

/** GET /api/annotations/export?format=jsonl|csv[&clips=a,b][&sources=id,…][&origin=human|auto] → the spans as a file. */
export async function GET(req: Request) {
  const caller = await requireRole(req, 'read');
  if (caller instanceof Response) return caller;
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
    return Response.json({ error: `invalid query — ${msg} (expected ?format=jsonl|csv[&clips=…][&sources=…][&origin=human|auto])` }, { status: 400 });
  }
  const { format, clips, sources, origin } = parsed.data;
  const file = await exportAnnotations(db(), format, { clipIds: clips, sourceIds: sources, origin });
  return new Response(file.content, {
    headers: { 'content-type': file.mime, 'content-disposition': `attachment; filename="${file.fileName}"`, 'cache-control': 'no-store' },
  });
}
