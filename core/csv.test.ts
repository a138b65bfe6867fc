import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvField, csvFileName, parseCsv, seriesToCsv, toCsv } from './csv';

describe('seriesToCsv', () => {
  it('writes header and raw rows with CRLF line ends', () => {
    const csv = seriesToCsv([
      { runId: 'ck1', run: 'grpo-a', key: 'reward', steps: [1, 2], wallTimes: [1_700_000_000_000, 1_700_000_001_500], values: [0.5, 0.75], scorer: 'lexical; δ 0.5' },
      { runId: 'ck2', run: 'grpo-a', key: 'reward', steps: [1], wallTimes: [1_700_000_000_000], values: [0.25] },
    ]);
    expect(csv).toBe(
      'run_id,run,key,step,wall_time,value,scorer\r\n' +
        'ck1,grpo-a,reward,1,1700000000,0.5,lexical; δ 0.5\r\n' +
        'ck1,grpo-a,reward,2,1700000001.5,0.75,lexical; δ 0.5\r\n' +
        'ck2,grpo-a,reward,1,1700000000,0.25,\r\n',
    );
  });

  it('quotes run names with commas, quotes and newlines (RFC 4180)', () => {
    const run = 'tscore, "escore"\nablation';
    const csv = seriesToCsv([{ runId: 'r1', run, key: 'think_score', steps: [3], wallTimes: [1000], values: [0.25], scorer: 'thresholds 0.28, 0.35' }]);
    expect(csv).toBe('run_id,run,key,step,wall_time,value,scorer\r\nr1,"tscore, ""escore""\nablation",think_score,3,1,0.25,"thresholds 0.28, 0.35"\r\n');
    const rows = parseCsv(csv);
    expect(rows).toEqual([
      ['run_id', 'run', 'key', 'step', 'wall_time', 'value', 'scorer'],
      ['r1', run, 'think_score', '3', '1', '0.25', 'thresholds 0.28, 0.35'],
    ]);
  });

  it('writes non-finite values by name and leaves missing wall times empty', () => {
    const csv = seriesToCsv([{ runId: 'id', run: 'r', key: 'loss', steps: [1, 2, 3], values: [NaN, Infinity, -Infinity] }]);
    expect(parseCsv(csv).slice(1)).toEqual([
      ['id', 'r', 'loss', '1', '', 'NaN', ''],
      ['id', 'r', 'loss', '2', '', 'Infinity', ''],
      ['id', 'r', 'loss', '3', '', '-Infinity', ''],
    ]);
  });

  it('property: parseCsv(seriesToCsv(x)) recovers run ids, names, keys, steps, values and scorers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            run: fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é', 'x') }),
            scorer: fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', ';', ' ', 'δ') }),
            key: fc.string(),
            points: fc.array(fc.tuple(fc.integer({ min: 0, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 5 }),
          }),
          { maxLength: 4 },
        ),
        (series) => {
          const csv = seriesToCsv(
            series.map((s, i) => ({ runId: `id${i}`, run: s.run, key: s.key, steps: s.points.map((p) => p[0]), values: s.points.map((p) => p[1]), scorer: s.scorer })),
          );
          const rows = parseCsv(csv).slice(1);
          const expected = series.flatMap((s, i) => s.points.map((p) => [`id${i}`, s.run, s.key, String(p[0]), '', String(p[1]), s.scorer]));
          expect(rows).toEqual(expected);
          for (const r of rows) expect(Number(r[5])).toBe(Number(r[5]));
        },
      ),
    );
  });
});

describe('csv helpers', () => {
  it('quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(toCsv([['a', 'b,c'], ['', '"']])).toBe('a,"b,c"\r\n,""""\r\n');
  });

  it('parses LF-only files and empty fields', () => {
    expect(parseCsv('a,b\n1,\n,2')).toEqual([['a', 'b'], ['1', ''], ['', '2']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('makes safe file names', () => {
    expect(csvFileName(['my run/1', 'think_score'])).toBe('my_run_1-think_score.csv');
    expect(csvFileName(['<script>'])).toBe('script.csv');
    expect(csvFileName([])).toBe('metrics.csv');
  });
});
