/**
 * Dynamicity of a clip (paper Appendix C: "computes frame-to-frame optical flow intensity as a
 * dynamicity metric"): OpenCV's Farneback dense flow between sampled pairs of consecutive frames at a
 * reduced resolution, averaged over pixels and pairs.
 *
 * Unit: % of the frame width per second — the mean flow magnitude in analysis pixels per frame,
 * divided by the analysis width and multiplied by the frame rate, so clips of different resolutions
 * and frame rates are comparable (a pan across the whole frame in 4 s scores 25).
 */
import type { DynamicityOptions } from '../../core/curation/config';
import type { VideoProbe } from '../../core/curation/ffprobe';
import { loadOpenCv, meanFlowMagnitude } from './opencv';
import { decodeFramePairs } from './video';

export interface DynamicityMeasurement {
  /** % of frame width per second (see module doc). */
  dynamicity: number;
  /** Mean flow magnitude in analysis pixels per frame. */
  pxPerFrame: number;
  /** Per pair: first frame index and its mean magnitude (px/frame). */
  pairs: { frame: number; pxPerFrame: number }[];
  width: number;
  height: number;
}

/** Decode (ffmpeg, `threads` decoder threads) and measure one clip. Throws MediaToolError for bad files. */
export async function measureDynamicity(path: string, probe: VideoProbe, options: DynamicityOptions, run: { threads?: number; signal?: AbortSignal } = {}): Promise<DynamicityMeasurement> {
  const { cv } = await loadOpenCv();
  const decoded = await decodeFramePairs(path, probe, { pairs: options.pairs, analysisWidth: options.analysisWidth, threads: run.threads ?? 1, signal: run.signal });
  const pairs: DynamicityMeasurement['pairs'] = [];
  for (let k = 0; k < decoded.plan.pairs; k++) {
    const px = meanFlowMagnitude(cv, decoded.frames[2 * k], decoded.frames[2 * k + 1], decoded.width, decoded.height, options.farneback);
    pairs.push({ frame: decoded.plan.frames[2 * k], pxPerFrame: px });
  }
  const pxPerFrame = pairs.reduce((s, p) => s + p.pxPerFrame, 0) / pairs.length;
  return { dynamicity: (pxPerFrame / decoded.width) * 100 * probe.fps, pxPerFrame, pairs, width: decoded.width, height: decoded.height };
}
