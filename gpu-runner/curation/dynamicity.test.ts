/**
 * Dynamicity on real decoded video: tiny clips made with ffmpeg, flow by OpenCV (opencv.js).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamicityOptionsSchema } from '../../core/curation/config';
import { measureDynamicity } from './dynamicity';
import { DynamicityPool } from './pool';
import { makeSyntheticClip, truncateFile } from './testing/synthetic';
import { analysisSize, framePairPlan, MediaToolError, probeVideo } from './video';

const options = dynamicityOptionsSchema.parse({});
let dir: string;
const clip = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'videocap-dyn-'));
  await Promise.all([
    makeSyntheticClip(clip('static.mp4'), { seconds: 3, speedPxPerSec: 0 }),
    makeSyntheticClip(clip('slow.mp4'), { seconds: 3, speedPxPerSec: 10 }),
    makeSyntheticClip(clip('fast.mp4'), { seconds: 3, speedPxPerSec: 40 }),
    makeSyntheticClip(clip('trunc.mp4'), { seconds: 6, speedPxPerSec: 40, faststart: true }).then(() => truncateFile(clip('trunc.mp4'), 0.35)),
    writeFile(clip('garbage.mp4'), 'not a video'),
  ]);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('framePairPlan / analysisSize', () => {
  it('spreads pairs of consecutive frames evenly and never asks past the end', () => {
    expect(framePairPlan(100, 4)).toEqual({ stride: 25, pairs: 4, frames: [0, 1, 25, 26, 50, 51, 75, 76] });
    // 5 frames hold at most 4 pairs of consecutive frames; frames past the end are never needed.
    expect(framePairPlan(5, 8)).toEqual({ stride: 2, pairs: 4, frames: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(framePairPlan(1, 8).pairs).toBe(0);
  });
  it('scales down to the analysis width, never up, keeping the aspect and even sizes', () => {
    expect(analysisSize(854, 480, 160)).toEqual({ width: 160, height: 90 });
    expect(analysisSize(96, 64, 160)).toEqual({ width: 96, height: 64 });
    expect(analysisSize(1920, 1080, 161)).toEqual({ width: 160, height: 90 });
  });
});

describe('measureDynamicity', () => {
  it('orders clips by motion: static ≈ 0 < slow < fast, in % of frame width per second', async () => {
    const [s, slow, fast] = await Promise.all(['static.mp4', 'slow.mp4', 'fast.mp4'].map(async (n) => measureDynamicity(clip(n), await probeVideo(clip(n)), options)));
    expect(s.dynamicity).toBeLessThan(0.5);
    // 10 px/s on a 96 px frame is 10.4 %/s; 40 px/s is 41.7 %/s (Farneback under-reads flat regions).
    expect(slow.dynamicity).toBeGreaterThan(4);
    expect(slow.dynamicity).toBeLessThan(14);
    expect(fast.dynamicity).toBeGreaterThan(2 * slow.dynamicity);
    expect(fast.pairs).toHaveLength(options.pairs);
    expect(fast.width).toBe(96);
  }, 60_000);

  it('a truncated file probes but fails to decode, saying so', async () => {
    const probe = await probeVideo(clip('trunc.mp4'));
    expect(probe.durationSec).toBeCloseTo(6, 0);
    await expect(measureDynamicity(clip('trunc.mp4'), probe, options)).rejects.toThrow(/truncated or damaged video: decoded \d+ of 16 sampled frames/);
  }, 60_000);

  it('an unreadable file fails at the probe with ffprobe\'s reason', async () => {
    const err = await probeVideo(clip('garbage.mp4')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaToolError);
    expect((err as Error).message).toMatch(/^unreadable video: ffprobe: .*Invalid data/);
  });
});

describe('DynamicityPool', () => {
  it('measures in worker threads with the same result as in-process, and passes media errors through', async () => {
    const pool = new DynamicityPool(2);
    try {
      const probe = await probeVideo(clip('fast.mp4'));
      const [a, b] = await Promise.all([pool.measure(clip('fast.mp4'), probe, options), pool.measure(clip('fast.mp4'), probe, options)]);
      const direct = await measureDynamicity(clip('fast.mp4'), probe, options);
      expect(a.dynamicity).toBeCloseTo(direct.dynamicity, 6);
      expect(b.dynamicity).toBeCloseTo(direct.dynamicity, 6);
      const trunc = await probeVideo(clip('trunc.mp4'));
      await expect(pool.measure(clip('trunc.mp4'), trunc, options)).rejects.toBeInstanceOf(MediaToolError);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
