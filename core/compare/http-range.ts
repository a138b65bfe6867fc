/**
 * HTTP `Range: bytes=…` for one range (RFC 9110 §14.1.2), as video players send it. Pure.
 *   "bytes=0-"      → the whole file from 0
 *   "bytes=100-199" → bytes 100..199 (end clamped to the file)
 *   "bytes=-500"    → the last 500 bytes
 * Multiple ranges ("bytes=0-1,5-6") are answered with the first one only, which RFC 9110 allows.
 */
export type RangeResult =
  | { kind: 'none' }
  | { kind: 'range'; start: number; end: number }
  /** Syntactically valid but outside the file: answer 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

/**
 * `header`: the Range header or null; `size`: file size in bytes. `end` is inclusive. A malformed
 * header is ignored (the whole file is sent), as RFC 9110 requires.
 */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'none' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || (m[2] !== '' && Number(m[2]) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end };
}
