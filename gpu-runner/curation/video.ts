/**
 * Video I/O of the curate run on the runner, through FFmpeg's command-line tools (Debian's
 * `ffmpeg` package: `ffprobe` for metadata, `ffmpeg` to decode sampled frames as raw gray pixels).
 */
import { spawn } from 'node:child_process';
import { ffprobeArgs, parseFfprobeJson, stderrExcerpt, type VideoProbe } from '../../core/curation/ffprobe';

export class MediaToolError extends Error {
  override name = 'MediaToolError';
}

interface ToolResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runTool(bin: string, args: string[], signal?: AbortSignal, maxStdout = 512 * 1024 * 1024): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > maxStdout) {
        child.kill('SIGKILL');
        return;
      }
      chunks.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 64_000) stderr += b.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new MediaToolError(`${bin} is not installed (Debian: apt-get install -y ffmpeg)`));
      else reject(e);
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

/** Duration, frame size, frame rate and frame count of a video (ffprobe). Throws MediaToolError with ffprobe's reason. */
export async function probeVideo(path: string, signal?: AbortSignal): Promise<VideoProbe> {
  const r = await runTool('ffprobe', ffprobeArgs(path), signal);
  if (r.code !== 0) throw new MediaToolError(`unreadable video: ffprobe: ${stderrExcerpt(r.stderr)}`);
  try {
    return parseFfprobeJson(r.stdout.toString('utf8'));
  } catch (e) {
    throw new MediaToolError(`unreadable video: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface FramePairPlan {
  /** A pair starts every `stride` frames: frames (k·stride, k·stride + 1). */
  stride: number;
  pairs: number;
  /** Frame indices decoded, in order. */
  frames: number[];
}

/** `pairs` pairs of consecutive frames spread evenly over `frameCount` frames (fewer for short clips). */
export function framePairPlan(frameCount: number, pairs: number): FramePairPlan {
  const usable = Math.max(0, Math.floor(frameCount) - 1);
  const n = Math.max(0, Math.min(pairs, usable));
  const stride = n > 0 ? Math.max(2, Math.floor(frameCount / n)) : 2;
  const frames: number[] = [];
  for (let k = 0; k < n; k++) frames.push(k * stride, k * stride + 1);
  return { stride, pairs: n, frames };
}

/** Analysis frame size: `maxWidth` wide at most (never scaled up), even, aspect kept. */
export function analysisSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  const w = Math.max(2, 2 * Math.floor(Math.min(width, maxWidth) / 2));
  const h = Math.max(2, 2 * Math.round((height * w) / width / 2));
  return { width: w, height: h };
}

export interface DecodedPairs {
  width: number;
  height: number;
  plan: FramePairPlan;
  /** Gray frames, `plan.frames` order. */
  frames: Uint8Array[];
}

/**
 * Decodes the frames of `framePairPlan` in one ffmpeg pass (select filter, scaled with area
 * averaging to the analysis size, 8-bit gray). Throws MediaToolError when ffmpeg fails or the file
 * ends before the frames its header promises (a truncated file).
 */
export async function decodeFramePairs(
  path: string,
  probe: VideoProbe,
  options: { pairs: number; analysisWidth: number; threads?: number; signal?: AbortSignal },
): Promise<DecodedPairs> {
  const plan = framePairPlan(probe.frameCount, options.pairs);
  if (plan.pairs === 0) throw new MediaToolError(`too short to measure motion: ${probe.frameCount} frame(s)`);
  const size = analysisSize(probe.width, probe.height, options.analysisWidth);
  const last = plan.frames[plan.frames.length - 1];
  const select = `select='lt(mod(n\\,${plan.stride})\\,2)*lte(n\\,${last})'`;
  const threads = String(options.threads ?? 1);
  const args = [
    '-v', 'error', '-nostdin', '-threads', threads, '-i', path, '-an', '-sn', '-dn',
    '-vf', `${select},scale=${size.width}:${size.height}:flags=area,format=gray`,
    '-fps_mode', 'passthrough', '-frames:v', String(plan.frames.length), '-threads', threads,
    '-f', 'rawvideo', 'pipe:1',
  ];
  const r = await runTool('ffmpeg', args, options.signal);
  const frameBytes = size.width * size.height;
  const got = Math.floor(r.stdout.length / frameBytes);
  if (r.code !== 0) throw new MediaToolError(`decoding failed: ffmpeg: ${stderrExcerpt(r.stderr)}`);
  // The last pair may fall past the real end when the frame count is an estimate (duration × fps).
  if (got < plan.frames.length - 2) {
    throw new MediaToolError(
      `truncated or damaged video: decoded ${got} of ${plan.frames.length} sampled frames (the header promises ${probe.frameCount} frames, ${probe.durationSec.toFixed(1)} s)${r.stderr.trim() ? `; ffmpeg: ${stderrExcerpt(r.stderr)}` : ''}`,
    );
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < got; i++) frames.push(new Uint8Array(r.stdout.buffer, r.stdout.byteOffset + i * frameBytes, frameBytes));
  const whole = frames.length - (frames.length % 2);
  return { width: size.width, height: size.height, plan: { ...plan, pairs: whole / 2, frames: plan.frames.slice(0, whole) }, frames: frames.slice(0, whole) };
}
