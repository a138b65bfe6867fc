/**
 * Wire form of `metric.series` (server/services/metrics.ts). Two encodings of the same columns:
 *
 *  - `json` (default, for scripts): plain arrays of full-precision numbers;
 *  - `f32` (what the dashboard asks for): `step` and `colStart` delta-coded (first value, then
 *    differences: small integers), `value`, `smoothed` and `relTime` as base64 of little-endian
 *    float32 — 4 bytes a number, ~5.3 characters, ≈ 7 significant digits, the precision TensorBoard
 *    stores scalars in. Exact values stay available from the CSV export (/api/metrics.csv).
 *
 * Decoding in Python: `np.frombuffer(base64.b64decode(s), "<f4")`, `np.cumsum(step)`.
 * Pure: no I/O; works in Node and in browsers.
 */

export const SERIES_ENCODINGS = ['json', 'f32'] as const;
export type SeriesEncoding = (typeof SERIES_ENCODINGS)[number];

/** First value, then differences (integers stay integers; exact for |x| < 2^53). */
export function deltaEncode(xs: ArrayLike<number>): number[] {
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = i === 0 ? xs[0]! : xs[i]! - xs[i - 1]!;
  return out;
}

export function deltaDecode(ds: ArrayLike<number>): number[] {
  const out = new Array<number>(ds.length);
  let acc = 0;
  for (let i = 0; i < ds.length; i++) {
    acc = i === 0 ? ds[0]! : acc + ds[i]!;
    out[i] = acc;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

/** Node's Buffer when present (native base64, ~50× faster than the loop below); browsers use the loop or atob. */
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, offset?: number, length?: number): { toString(enc: 'base64'): string } } }).Buffer;

function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return bytesToBase64Portable(bytes);
}

/** RFC 4648 base64 in plain JS (browsers without Buffer; exported for tests). */
export function bytesToBase64Portable(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

function base64ToBytes(s: string): Uint8Array {
  if (typeof atob === 'function' && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0) {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return base64ToBytesPortable(s);
}

/** Inverse of bytesToBase64Portable; throws on characters outside the alphabet. */
export function base64ToBytesPortable(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new Error('invalid base64: bad length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    let n = 0;
    const len = Math.min(4, clean.length - i);
    for (let j = 0; j < 4; j++) {
      const c = j < len ? clean.charCodeAt(i + j) : 65; // 'A' pads
      const v = c < 128 ? B64_INDEX[c]! : -1;
      if (v < 0) throw new Error(`invalid base64 character at ${i + j}`);
      n = (n << 6) | v;
    }
    out[o++] = (n >> 16) & 255;
    if (len > 2) out[o++] = (n >> 8) & 255;
    if (len > 3) out[o++] = n & 255;
  }
  return out;
}

/** Base64 of the values as little-endian float32. */
export function encodeF32(values: ArrayLike<number>): string {
  const buf = new ArrayBuffer(values.length * 4);
  const view = new DataView(buf);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return bytesToBase64(new Uint8Array(buf));
}

/** Inverse of encodeF32 (as float64 numbers). Throws on malformed input. */
export function decodeF32(s: string): Float64Array {
  const bytes = base64ToBytes(s);
  if (bytes.length % 4 !== 0) throw new Error('invalid float32 column: length is not a multiple of 4 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

interface SeriesWireBase {
  runId: string;
  key: string;
  /** Stored points in range (rollup-based ranges count their edge rollups whole). */
  total: number;
  /** Whether points were left out (zoom in for every point). */
  reduced: boolean;
  /** EMA weight applied (core/smoothing.ts SMOOTHING_STOPS), 0 = none. */
  smoothing: number;
}

/** Plain arrays, one entry per point (`colStart`: index of each pixel column's first point; empty when not reduced). */
export interface SeriesWireJson extends SeriesWireBase {
  encoding: 'json';
  step: number[];
  value: number[];
  smoothed: number[] | null;
  relTime: number[] | null;
  colStart: number[];
}

/** Compact: delta-coded integers and base64 float32 columns (see the module comment). */
export interface SeriesWireF32 extends SeriesWireBase {
  encoding: 'f32';
  step: number[];
  value: string;
  smoothed: string | null;
  relTime: string | null;
  colStart: number[];
}

export type SeriesWire = SeriesWireJson | SeriesWireF32;

/** A series with plain number columns, whatever its encoding on the wire. */
export interface DecodedSeries extends SeriesWireBase {
  step: ArrayLike<number>;
  value: ArrayLike<number>;
  smoothed: ArrayLike<number> | null;
  /** Seconds since the run's first point; only when the relative axis was asked for. */
  relTime: ArrayLike<number> | null;
  colStart: ArrayLike<number>;
}

export function decodeSeries(s: SeriesWire): DecodedSeries {
  const base = { runId: s.runId, key: s.key, total: s.total, reduced: s.reduced, smoothing: s.smoothing };
  if (s.encoding === 'json') return { ...base, step: s.step, value: s.value, smoothed: s.smoothed, relTime: s.relTime, colStart: s.colStart };
  return {
    ...base,
    step: deltaDecode(s.step),
    value: decodeF32(s.value),
    smoothed: s.smoothed === null ? null : decodeF32(s.smoothed),
    relTime: s.relTime === null ? null : decodeF32(s.relTime),
    colStart: deltaDecode(s.colStart),
  };
}
