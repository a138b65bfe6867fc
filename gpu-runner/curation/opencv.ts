/**
 * OpenCV (the official opencv.js WebAssembly build, npm `@techstark/opencv-js`) loaded once per
 * thread, typed to the few functions curation uses. Dense optical flow is OpenCV's
 * `calcOpticalFlowFarneback` (G. Farnebäck, "Two-Frame Motion Estimation Based on Polynomial
 * Expansion", SCIA 2003); nothing here computes flow itself.
 */
import { createRequire } from 'node:module';
import type { FarnebackParams } from '../../core/curation/config';

export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
  readonly data32F: Float32Array;
  delete(): void;
}

export interface OpenCv {
  Mat: new (rows?: number, cols?: number, type?: number) => CvMat;
  CV_8UC1: number;
  calcOpticalFlowFarneback(prev: CvMat, next: CvMat, flow: CvMat, pyrScale: number, levels: number, winSize: number, iterations: number, polyN: number, polySigma: number, flags: number): void;
}

let loading: Promise<{ cv: OpenCv }> | null = null;

/**
 * Loads opencv.js (≈0.6 s the first time in a thread). The Emscripten module is a thenable that
 * resolves to itself, so it is handed out inside an object (awaiting it directly never settles).
 */
export function loadOpenCv(): Promise<{ cv: OpenCv }> {
  loading ??= new Promise<{ cv: OpenCv }>((resolve) => {
    const require = createRequire(import.meta.url);
    const mod = require('@techstark/opencv-js') as OpenCv & { onRuntimeInitialized?: () => void };
    if (typeof (mod as { Mat?: unknown }).Mat === 'function') resolve({ cv: mod });
    else mod.onRuntimeInitialized = () => resolve({ cv: mod });
  });
  return loading;
}

/**
 * Mean magnitude (pixels per frame) of the Farneback flow from `prev` to `next`, two 8-bit gray
 * frames of `width` × `height` stored row-major.
 */
export function meanFlowMagnitude(cv: OpenCv, prev: Uint8Array, next: Uint8Array, width: number, height: number, params: FarnebackParams): number {
  const n = width * height;
  if (prev.length !== n || next.length !== n) throw new RangeError(`frames must be ${width}×${height} = ${n} bytes, got ${prev.length} and ${next.length}`);
  const a = new cv.Mat(height, width, cv.CV_8UC1);
  const b = new cv.Mat(height, width, cv.CV_8UC1);
  const flow = new cv.Mat();
  try {
    a.data.set(prev);
    b.data.set(next);
    cv.calcOpticalFlowFarneback(a, b, flow, params.pyrScale, params.levels, params.winSize, params.iterations, params.polyN, params.polySigma, 0);
    const f = flow.data32F;
    let sum = 0;
    for (let i = 0; i < f.length; i += 2) sum += Math.hypot(f[i], f[i + 1]);
    return sum / n;
  } finally {
    a.delete();
    b.delete();
    flow.delete();
  }
}
