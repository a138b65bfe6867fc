import { describe, expect, it } from 'vitest';
import { parseRange } from './http-range';

describe('parseRange', () => {
  it('reads open, closed and suffix ranges', () => {
    expect(parseRange('bytes=0-', 1000)).toEqual({ kind: 'range', start: 0, end: 999 });
    expect(parseRange('bytes=100-199', 1000)).toEqual({ kind: 'range', start: 100, end: 199 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'range', start: 0, end: 999 });
    expect(parseRange('bytes=0-1,5-6', 1000)).toEqual({ kind: 'range', start: 0, end: 1 });
  });
  it('says unsatisfiable outside the file, ignores malformed headers', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=50-10', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange(null, 1000)).toEqual({ kind: 'none' });
    expect(parseRange('items=0-5', 1000)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=-', 1000)).toEqual({ kind: 'none' });
  });
});
