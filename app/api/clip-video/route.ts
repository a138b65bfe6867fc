import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseRange } from '../../../core/compare/http-range';
import { requireRole } from '../../../server/auth/route';
import { db } from '../../../server/db';
import { clipVideo, VIDEO_CONTENT_TYPES } from '../../../server/services/clip-video';

export const dynamic = 'force-dynamic';

/**
 * `GET /api/clip-video?clip=<clip id>`: the clip's video with HTTP range requests (206 Partial
 * Content, 416 outside the file), served only from VIDEO_ROOT (server/services/clip-video.ts). Any
 * clip whose file is unknown, missing or outside the folder answers 404 with the reason.
 */
export async function GET(req: Request) {
  const caller = await requireRole(req, 'read');
  if (caller instanceof Response) return caller;
  const clipId = new URL(req.url).searchParams.get('clip');
  if (!clipId) return Response.json({ error: 'expected ?clip=<clip id>' }, { status: 400 });
  const video = await clipVideo(db(), clipId);
  if (!video.ok) return Response.json({ error: `no video for clip ${clipId}: ${video.reason}` }, { status: 404 });
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': VIDEO_CONTENT_TYPES[path.extname(video.file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
  };
  const range = parseRange(req.headers.get('range'), video.size);
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${video.size}` } });
  const start = range.kind === 'range' ? range.start : 0;
  const end = range.kind === 'range' ? range.end : video.size - 1;
  const length = video.size === 0 ? 0 : end - start + 1;
  const body = length === 0 ? null : (Readable.toWeb(createReadStream(video.file, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: range.kind === 'range' ? 206 : 200,
    headers: { ...headers, 'content-length': String(length), ...(range.kind === 'range' ? { 'content-range': `bytes ${start}-${end}/${video.size}` } : {}) },
  });
}
