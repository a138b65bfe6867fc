/**
 * A clip's video file for the comparison view, served ONLY from the configured folder (VIDEO_ROOT).
 * The file is the clip's `videoPath` when set, else `<VIDEO_ROOT>/<externalId>.mp4` (DREAM-1K's
 * `<vid>.mp4`). Both are resolved through the file system (symlinks followed) and must stay inside
 * the real path of VIDEO_ROOT: a path outside it, `..`, a symlink pointing out of it is refused the same
 * way as a missing file (the route answers 404 and says nothing about what exists outside).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db';

export type ClipVideo = { ok: true; file: string; size: number } | { ok: false; reason: string };

const VIDEO_EXTENSIONS = new Set(['.mp4', '.webm', '.mkv', '.mov', '.avi', '.m4v', '.ogv']);

export const VIDEO_CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
  '.ogv': 'video/ogg',
};

/** The configured video folder (VIDEO_ROOT, read per call so a restart is not needed in tests), or null. */
export function videoRoot(env: Record<string, string | undefined> = process.env): string | null {
  const r = env.VIDEO_ROOT?.trim();
  return r ? r : null;
}

/**
 * Resolves a candidate path against the root: the real path of the file, when it is a regular file
 * with a video extension strictly inside the real path of `root`. Never throws.
 */
export async function fileInsideRoot(root: string, candidate: string): Promise<ClipVideo> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { ok: false, reason: `the video folder ${root} (VIDEO_ROOT) does not exist` };
  }
  // Relative paths are relative to the root; a ".." segment is refused before touching the disk.
  const abs = path.isAbsolute(candidate) ? candidate : path.join(realRoot, candidate);
  if (candidate.split(/[\\/]+/).includes('..')) return { ok: false, reason: 'the video path leaves the video folder' };
  let real: string;
  try {
    real = await realpath(abs);
  } catch {
    return { ok: false, reason: 'the video file is not in the video folder' };
  }
  const rel = path.relative(realRoot, real);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return { ok: false, reason: 'the video path leaves the video folder' };
  if (!VIDEO_EXTENSIONS.has(path.extname(real).toLowerCase())) return { ok: false, reason: 'not a video file' };
  const s = await stat(real).catch(() => null);
  if (!s?.isFile()) return { ok: false, reason: 'the video file is not in the video folder' };
  return { ok: true, file: real, size: s.size };
}

/** Where a clip's video is, when it is known and inside VIDEO_ROOT; else why not (for the placeholder). */
export async function clipVideo(db: Db, clipId: string, root: string | null = videoRoot()): Promise<ClipVideo> {
  if (!root) return { ok: false, reason: 'no video folder is configured on the server (set VIDEO_ROOT)' };
  const clip = await db.clip.findUnique({ where: { id: clipId }, select: { videoPath: true, externalId: true } });
  if (!clip) return { ok: false, reason: `clip ${clipId} does not exist` };
  const candidate = clip.videoPath ?? `${clip.externalId}.mp4`;
  return fileInsideRoot(root, candidate);
}
