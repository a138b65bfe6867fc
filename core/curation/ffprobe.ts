/**
 * What we read from ffprobe (FFmpeg's prober): the command line and its JSON, validated with zod.
 * Pure; the server (import, frame strips) and the runner (curate runs) spawn the binary.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** `ffprobe <args>`: container format and the first video stream, as JSON. */
export function ffprobeArgs(path: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path];
}

const ratio = z
  .string()
  .optional()
  .transform((r) => {
    if (!r) return null;
    const [n, d] = r.split('/').map(Number);
    const v = d ? n / d : n;
    return Number.isFinite(v) && v > 0 ? v : null;
  });
const numeric = z
  .union([z.string(), z.number()])
  .optional()
  .transform((v) => {
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  });

const ffprobeJsonSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        avg_frame_rate: ratio,
        r_frame_rate: ratio,
        nb_frames: numeric,
        duration: numeric,
      }),
    )
    .default([]),
  format: z.object({ duration: numeric, format_name: z.string().optional() }).optional(),
});

export interface VideoProbe {
  durationSec: number;
  width: number;
  height: number;
  fps: number;
  /** From the container (nb_frames), else duration × fps rounded. */
  frameCount: number;
  codec: string;
}

/**
 * Reads ffprobe's JSON. Throws an Error saying what is missing (no video stream, no duration, …) —
 * the caller reports it as the clip's reason.
 */
export function parseFfprobeJson(stdout: string): VideoProbe {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error('ffprobe printed no JSON');
  }
  const parsed = ffprobeJsonSchema.safeParse(json);
  if (!parsed.success) throw new Error(`unexpected ffprobe output: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const stream = parsed.data.streams.find((s) => s.codec_type === 'video') ?? parsed.data.streams[0];
  if (!stream) throw new Error('no video stream');
  const durationSec = parsed.data.format?.duration ?? stream.duration;
  if (durationSec === null || durationSec === undefined || !(durationSec > 0)) throw new Error('no duration (not a video, or the container is damaged)');
  if (!stream.width || !stream.height) throw new Error('video stream has no frame size');
  const fps = stream.avg_frame_rate ?? stream.r_frame_rate;
  if (!fps) throw new Error('video stream has no frame rate');
  const frameCount = stream.nb_frames && stream.nb_frames > 0 ? stream.nb_frames : Math.max(1, Math.round(durationSec * fps));
  return { durationSec, width: stream.width, height: stream.height, fps, frameCount, codec: stream.codec_name ?? 'unknown' };
}

/**
 * Identity of a video file for reusing measurements: sha256 of its absolute path, size and
 * modification time (a file rewritten in place gets a new key).
 */
export function videoFileKey(absPath: string, sizeBytes: number, mtimeMs: number): string {
  return createHash('sha256').update(`${absPath}\u0000${sizeBytes}\u0000${Math.round(mtimeMs)}`).digest('hex');
}

/** Last line(s) of a tool's stderr for an error message. */
export function stderrExcerpt(stderr: string, max = 300): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  const tail = lines.slice(-3).join(' | ');
  return tail.length > max ? `…${tail.slice(-max)}` : tail || '(no message)';
}
