import { z } from 'zod';
import { requireRole } from '../../../server/auth/route';
import { db } from '../../../server/db';
import { curationClipVideo } from '../../../server/services/curation';
import { NotFoundError } from '../../../server/services/errors';
import { extractFrameJpeg } from '../../../server/services/media';

export const dynamic = 'force-dynamic';

const querySchema = z.union([
  z.object({ run: z.string().min(1), ordinal: z.coerce.number().int().min(0), i: z.coerce.number().int().min(0), n: z.coerce.number().int().min(1).max(16).default(4) }),
  z.object({ clip: z.string().min(1), i: z.coerce.number().int().min(0), n: z.coerce.number().int().min(1).max(16).default(4) }),
]);

/**
 * One frame of a clip's frame strip as JPEG: `?run=<curate run>&ordinal=<clip>&i=<k>&n=<count>` or
 * `?clip=<dataset clip id>&i=<k>&n=<count>` (frame k of n evenly spaced, extracted with ffmpeg, cached).
 */
export async function GET(req: Request) {
  const caller = await requireRole(req, 'read');
  if (caller instanceof Response) return caller;
  const q = querySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: 'expected ?run=&ordinal=&i=&n= or ?clip=&i=&n=' }, { status: 400 });
  if (q.data.i >= q.data.n) return Response.json({ error: `i must be < n (${q.data.n})` }, { status: 400 });
  try {
    let file: string;
    if ('run' in q.data) file = await curationClipVideo(db(), q.data.run, q.data.ordinal);
    else {
      const clip = await db().clip.findUnique({ where: { id: q.data.clip }, select: { videoPath: true } });
      if (!clip?.videoPath) throw new NotFoundError(`clip ${q.data.clip} has no video file`);
      file = clip.videoPath;
    }
    const jpeg = await extractFrameJpeg(file, q.data.i, q.data.n);
    return new Response(new Uint8Array(jpeg), { headers: { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=3600' } });
  } catch (e) {
    const status = e instanceof NotFoundError ? 404 : 422;
    return Response.json({ error: e instanceof Error ? e.message : String(e) }, { status });
  }
}
