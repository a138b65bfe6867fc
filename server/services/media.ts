/**
 * Video files on the server's machine, through FFmpeg's command-line tools (Debian's `ffmpeg`
 * package): ffprobe for imports, one JPEG frame for the frame strips of the curate and dataset pages
 * (cached on disk under .data/frames, keyed by file identity and position).
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffprobeArgs, parseFfprobeJson, stderrExcerpt, videoFileKey, type VideoProbe } from '../../core/curation/ffprobe';

function runTool(bin: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 64_000) stderr += b.toString();
    });
    child.on('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new Error(`${bin} is not installed on the server (Debian: apt-get install -y ffmpeg)`) : e));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks), stderr }));
  });
}

/** ffprobe a file; throws an Error whose message is the clip's reason ("unreadable video: …"). */
export async function probeVideoFile(file: string): Promise<VideoProbe> {
  const r = await runTool('ffprobe', ffprobeArgs(file), 60_000);
  if (r.code !== 0) throw new Error(`unreadable video: ffprobe: ${stderrExcerpt(r.stderr)}`);
  try {
    return parseFfprobeJson(r.stdout.toString('utf8'));
  } catch (e) {
    throw new Error(`unreadable video: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const FRAME_CACHE = path.resolve(process.env.FRAME_CACHE_DIR ?? '.data/frames');

/**
 * Frame `index` of `count` evenly spaced frames of a video, as a JPEG `width` px wide. Throws when
 * the file is missing or cannot be decoded at that position.
 */
export async function extractFrameJpeg(file: string, index: number, count: number, width = 240): Promise<Buffer> {
  const s = await stat(file);
  const key = videoFileKey(file, s.size, s.mtimeMs);
  const cached = path.join(FRAME_CACHE, key.slice(0, 2), `${key}-${index}-${count}-${width}.jpg`);
  const hit = await readFile(cached).catch(() => null);
  if (hit) return hit;
  const probe = await probeVideoFile(file);
  const at = (probe.durationSec * (index + 0.5)) / count;
  const r = await runTool(
    'ffmpeg',
    ['-v', 'error', '-nostdin', '-ss', at.toFixed(3), '-i', file, '-frames:v', '1', '-vf', `scale=${width}:-2`, '-f', 'image2', '-c:v', 'mjpeg', '-q:v', '5', 'pipe:1'],
    30_000,
  );
  if (r.code !== 0 || r.stdout.length === 0) throw new Error(`no frame at ${at.toFixed(1)} s: ${stderrExcerpt(r.stderr)}`);
  await mkdir(path.dirname(cached), { recursive: true });
  await writeFile(cached, r.stdout).catch(() => undefined);
  return r.stdout;
}
