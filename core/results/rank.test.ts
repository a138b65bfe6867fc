import { describe, expect, it } from 'vitest';
import { deltaText, majorityClass, rankColumn } from './rank';

const c = (rowId: string, value: number | null, classKey: string | null = 'reported', simulated = false) => ({ rowId, value, classKey, simulated });
const ranks = (m: Map<string, { rank: 1 | 2 | null }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.rank]));

describe('rankColumn', () => {
  it('bolds the best and underlines the second among reported numbers', () => {
    expect(ranks(rankColumn([c('a', 34.2), c('b', 29.8), c('c', 34.6), c('d', null)], 1))).toEqual({ a: 2, b: null, c: 1, d: null });
  });

  it('ties: every cell equal to the best (as printed) is best; the next distinct printed value is second', () => {
    // 34.24 and 34.16 both print 34.2; 33.96 prints 34.0
    expect(ranks(rankColumn([c('a', 34.24), c('b', 34.16), c('c', 33.96), c('d', 33.96), c('e', 10)], 1))).toEqual({ a: 1, b: 1, c: 2, d: 2, e: null });
  });

  it('a single ranked cell is best with no second', () => {
    expect(ranks(rankColumn([c('a', 5)], 1))).toEqual({ a: 1 });
  });

  it('ranks only the majority judge class; other judges are marked, never ranked against it', () => {
    const cells = [c('p1', 30), c('p2', 31), c('p3', 29), c('m1', 60, 'lexical:lexical-judge-v2'), c('m2', 50, 'lexical:lexical-judge-v2')];
    const m = rankColumn(cells, 1);
    expect(ranks(m)).toEqual({ p1: 2, p2: 1, p3: null, m1: null, m2: null });
    expect(m.get('m1')).toMatchObject({ ranked: false, offMajority: true });
    expect(m.get('p1')).toMatchObject({ ranked: true, offMajority: false });
  });

  it('"all" ranks every cell and keeps the off-majority mark; a class key ranks that class only', () => {
    const cells = [c('p1', 30), c('p2', 31), c('p3', 29), c('m1', 60, 'lexical:x'), c('m2', 50, 'lexical:x')];
    const all = rankColumn(cells, 1, 'all');
    expect(ranks(all)).toEqual({ p1: null, p2: null, p3: null, m1: 1, m2: 2 });
    expect(all.get('m1')!.offMajority).toBe(true);
    expect(ranks(rankColumn(cells, 1, 'lexical:x'))).toEqual({ p1: null, p2: null, p3: null, m1: 1, m2: 2 });
  });

  it('never ranks simulated cells, and they do not decide the majority', () => {
    const cells = [c('p1', 30), c('s1', 99, 'lexical:x', true), c('s2', 98, 'lexical:x', true), c('s3', 97, 'lexical:x', true)];
    expect(majorityClass(cells)).toBe('reported');
    expect(ranks(rankColumn(cells, 1, 'all'))).toEqual({ p1: 1, s1: null, s2: null, s3: null });
  });

  it('majority ties go to the reported class, then by name', () => {
    expect(majorityClass([c('a', 1), c('b', 2, 'openai:q')])).toBe('reported');
    expect(majorityClass([c('a', 1, 'openai:z'), c('b', 2, 'lexical:a')])).toBe('lexical:a');
    expect(majorityClass([c('a', 1, 'openai:q'), c('b', 2, 'openai:q'), c('c', 3)])).toBe('openai:q');
  });
});

describe('deltaText', () => {
  it('prints the difference of the printed values as the paper does: 34.2 (+4.4)', () => {
    expect(deltaText(34.2, 29.8)).toBe('+4.4');
    expect(deltaText(43.8, 39.6)).toBe('+4.2');
    expect(deltaText(26.8, 27.4)).toBe('-0.6');
    // 34.24 prints 34.2, 29.76 prints 29.8 → +4.4 (not +4.48 → +4.5)
    expect(deltaText(34.24, 29.76)).toBe('+4.4');
    expect(deltaText(2.4, 2.1)).toBe('+0.3');
    expect(deltaText(30, 30)).toBe('+0.0');
    expect(deltaText(30.04, 29.96)).toBe('+0.0');
  });
  it('is null when a side is missing', () => {
    expect(deltaText(null, 3)).toBeNull();
    expect(deltaText(3, undefined)).toBeNull();
  });
});
