import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { base64ToBytesPortable, bytesToBase64Portable, decodeF32, decodeSeries, deltaDecode, deltaEncode, encodeF32, type SeriesWireJson } from './series-wire';

describe('series wire encoding', () => {
  it('delta coding round-trips integers (steps up to 2^53)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 })), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        expect(deltaDecode(deltaEncode(sorted))).toEqual(sorted);
      }),
    );
    expect(deltaEncode([2 ** 53 - 2, 2 ** 53 - 1])).toEqual([2 ** 53 - 2, 1]);
  });

  it('float32 columns round-trip to float32 precision', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e30, max: 1e30 })), (xs) => {
        const back = decodeF32(encodeF32(xs));
        expect(back).toHaveLength(xs.length);
        xs.forEach((x, i) => expect(back[i]).toBe(Math.fround(x)));
      }),
    );
  });

  it('the portable base64 (browsers) equals Node\'s, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const ref = Buffer.from(bytes).toString('base64');
        expect(bytesToBase64Portable(bytes)).toBe(ref);
        expect(Array.from(base64ToBytesPortable(ref))).toEqual(Array.from(bytes));
      }),
    );
    expect(() => base64ToBytesPortable('ab$d')).toThrow(/invalid base64/);
    expect(() => decodeF32('AAA=')).toThrow(/multiple of 4/);
  });

  it('decodeSeries gives the same columns for both encodings', () => {
    const json: SeriesWireJson = { encoding: 'json', runId: 'r', key: 'k', total: 9, reduced: true, smoothing: 0.6, step: [3, 5, 9], value: [0.5, -1, 2], smoothed: [0.5, 0.25, 1], relTime: null, colStart: [0, 2] };
    const f32 = { ...json, encoding: 'f32' as const, step: deltaEncode(json.step), value: encodeF32(json.value), smoothed: encodeF32(json.smoothed!), relTime: null, colStart: deltaEncode(json.colStart) };
    const a = decodeSeries(json);
    const b = decodeSeries(f32);
    expect(Array.from(b.step)).toEqual(json.step);
    expect(Array.from(b.value)).toEqual(json.value);
    expect(Array.from(b.smoothed!)).toEqual(json.smoothed);
    expect(Array.from(b.colStart)).toEqual(json.colStart);
    expect(a.relTime).toBeNull();
    expect(b.relTime).toBeNull();
  });
});
