import { z } from 'zod';
import { requireRole } from '../../../server/auth/route';
import { db } from '../../../server/db';
import { metricsCsvStream, unknownRunIds } from '../../../server/services/metrics-csv';

export const dynamic = 'force-dynamic';

const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1)).min(1).max(50));
const query = z.object({
  runs: list,
  keys: list,
  xMin: z.coerce.number().finite().optional(),
  xMax: z.coerce.number().finite().optional(),
});

/**
 * GET /api/metrics.csv?runs=a,b&keys=reward,think_score[&xMin=&xMax=] → every raw point as CSV;
 * 404 naming the run ids that do not exist.
 */
export async function GET(req: Request) {
  const caller = await requireRole(req, 'read');
  if (caller instanceof Response) return caller;
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = query.safeParse(params);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
    return Response.json({ error: `invalid query — ${msg} (expected ?runs=<id,…>&keys=<key,…>[&xMin=&xMax=])` }, { status: 400 });
  }
  const { runs, keys, xMin, xMax } = parsed.data;
  // An unknown run is an error, not an empty CSV (a known run without points of a key stays 200 with the header).
  const unknown = await unknownRunIds(db(), runs);
  if (unknown.length) return Response.json({ error: `unknown run id${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}` }, { status: 404 });
  const name = `metrics-${keys.join('_')}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return new Response(metricsCsvStream(db(), { runIds: runs, keys, xMin, xMax }), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
