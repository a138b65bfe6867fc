/**
 * Synthetic test clips made with ffmpeg: a textured frame scrolled sideways at a known speed
 * (0 = static), tiny and short so tests stay fast; plus broken files (truncated, garbage, empty).
 * Used by the tests, the browser test and the benchmark.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SyntheticClipOptions {
  seconds: number;
  /** Horizontal scroll speed in pixels per second (0 = a still picture). */
  speedPxPerSec: number;
  width?: number;
  height?: number;
  fps?: number;
  /** Put the index (moov) first, so a truncated copy still probes but cannot be decoded to the end. */
  faststart?: boolean;
}

/**
 * Writes an H.264 MP4 of a testsrc2 picture scrolling by round(speed / fps) whole pixels per frame
 * (crop offsets are whole pixels, so slower speeds would stutter).
 */
export async function makeSyntheticClip(file: string, o: SyntheticClipOptions): Promise<void> {
  const w = o.width ?? 96;
  const h = o.height ?? 64;
  const fps = o.fps ?? 10;
  const step = Math.round(o.speedPxPerSec / fps);
  const frames = Math.round(o.seconds * fps);
  const textureWidth = w + step * (frames + 1);
  await mkdir(path.dirname(file), { recursive: true });
  // One still picture (testsrc2's first frame), then a crop window moved by `step` pixels per frame.
  const texture = `${file}.texture.png`;
  await run('ffmpeg', ['-v', 'error', '-y', '-nostdin', '-f', 'lavfi', '-i', `testsrc2=size=${textureWidth}x${h}:rate=1`, '-frames:v', '1', texture]);
  try {
    await run('ffmpeg', [
      '-v', 'error', '-y', '-nostdin',
      '-loop', '1', '-framerate', String(fps), '-i', texture,
      '-vf', `crop=${w}:${h}:n*${step}:0`,
      '-frames:v', String(frames),
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(fps * 2),
      ...(o.faststart ? ['-movflags', '+faststart'] : []),
      file,
    ]);
  } finally {
    await rm(texture, { force: true });
  }
}

/** Cuts a file to `keepShare` of its bytes (a download that stopped early). */
export async function truncateFile(file: string, keepShare: number): Promise<void> {
  const s = await stat(file);
  await truncate(file, Math.floor(s.size * keepShare));
}

export interface SyntheticFolder {
  videoDir: string;
  captionsPath: string;
  /** Expected fate of each caption line's video (by its "video" value). */
  expected: Record<string, 'kept' | 'duration' | 'dynamicity' | 'dynamicity-error' | 'duration-error' | 'action' | 'input-error'>;
}

/**
 * The folder the curation tests use: static / slow / fast motion × 5 / 15 / 40 s, a second fast
 * 15 s clip whose actions are all covered by the first (dropped by the action filter), a truncated
 * 15 s clip, a garbage file, an empty file, a caption line whose video is missing and a video
 * without a caption line. With the default threshold (2 %/s), exactly the 10–30 s moving clips pass.
 */
export async function makeSyntheticFolder(root: string): Promise<SyntheticFolder> {
  const videoDir = path.join(root, 'videos');
  await mkdir(videoDir, { recursive: true });
  const speeds = { static: 0, slow: 10, fast: 40 } as const;
  const captions: Record<string, string> = {
    static: 'A red vase stands on a wooden table. A woman picks up the vase and places it on the shelf.',
    slow: 'A woman walks along the beach. She waves to a friend and smiles.',
    fast: 'A man runs across the field. He jumps over a fence and catches a ball.',
  };
  const lines: object[] = [];
  const expected: SyntheticFolder['expected'] = {};
  const jobs: Promise<void>[] = [];
  for (const [motion, speed] of Object.entries(speeds) as [keyof typeof speeds, number][]) {
    for (const seconds of [5, 15, 40]) {
      const video = `${motion}-${seconds}s.mp4`;
      jobs.push(makeSyntheticClip(path.join(videoDir, video), { seconds, speedPxPerSec: speed }));
      lines.push({ video, caption: captions[motion] });
      expected[video] = seconds !== 15 ? 'duration' : motion === 'static' ? 'dynamicity' : 'kept';
    }
  }
  // Moving and 15 s, but every action is already covered by fast-15s (visited first: it moves faster).
  jobs.push(makeSyntheticClip(path.join(videoDir, 'sub/fast-again-15s.mp4'), { seconds: 15, speedPxPerSec: 20 }));
  lines.push({ video: 'sub/fast-again-15s.mp4', caption: 'A man runs across the field. He jumps over a fence.' });
  expected['sub/fast-again-15s.mp4'] = 'action';
  // Truncated: probes as 15 s (index first) but its frames end early.
  jobs.push(
    makeSyntheticClip(path.join(videoDir, 'truncated-15s.mp4'), { seconds: 15, speedPxPerSec: 40, faststart: true }).then(() => truncateFile(path.join(videoDir, 'truncated-15s.mp4'), 0.4)),
  );
  lines.push({ video: 'truncated-15s.mp4', caption: 'A dog chases a cat around the garden.' });
  expected['truncated-15s.mp4'] = 'dynamicity-error';
  await Promise.all(jobs);
  await writeFile(path.join(videoDir, 'garbage.mp4'), Buffer.from('this is not a video file, just some bytes '.repeat(40)));
  lines.push({ video: 'garbage.mp4', caption: 'A bird flies over the lake.' });
  expected['garbage.mp4'] = 'duration-error';
  await writeFile(path.join(videoDir, 'empty.mp4'), Buffer.alloc(0));
  lines.push({ video: 'empty.mp4', caption: 'A child throws a stone into the water.' });
  expected['empty.mp4'] = 'input-error';
  lines.push({ video: 'missing.mp4', caption: 'A cyclist rides down the hill.' });
  expected['missing.mp4'] = 'input-error';
  await makeSyntheticClip(path.join(videoDir, 'no-caption-15s.mp4'), { seconds: 15, speedPxPerSec: 40 });
  expected['no-caption-15s.mp4'] = 'input-error';
  const captionsPath = path.join(root, 'captions.jsonl');
  await writeFile(captionsPath, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"video": "broken line"\n');
  expected['line 15'] = 'input-error';
  return { videoDir, captionsPath, expected };
}

/** Reads back a folder's captions (for assertions). */
export async function readCaptions(captionsPath: string): Promise<string[]> {
  return (await readFile(captionsPath, 'utf8')).split('\n').filter(Boolean);
}
