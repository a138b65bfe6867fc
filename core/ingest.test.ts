import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeRejected,
  ingestEnvelopeSchema,
  jsonDepthAtMost,
  MAX_STEP,
  sanitizeIngestBatch,
  sanitizeJsonText,
  sanitizeText,
  validateIngestItems,
} from './ingest';

const metric = (step: number, key = 'reward') => ({ step, key, value: 1, wallTime: 1_735_689_600_000 });
const rollout = (over: Record<string, unknown> = {}) => ({
  step: 1, clipId: 'c', groupIndex: 0, sampleIndex: 0, completion: 'x', think: null, answer: null, rewards: {}, reward: 0, advantage: 0, length: 1, ...over,
});

describe('validateIngestItems', () => {
  it('accepts steps up to 2^53 − 1 (BIGINT, exact in JSON numbers) and names the item and field beyond', () => {
    const env = ingestEnvelopeSchema.parse({ metrics: [metric(1e9), metric(1e10), metric(MAX_STEP), metric(MAX_STEP + 1), metric(-1), metric(1.5)] });
    const v = validateIngestItems(env);
    expect(v.batch.metrics.map((m) => m.step)).toEqual([1e9, 1e10, MAX_STEP]);
    expect(v.indexes.metrics).toEqual([0, 1, 2]);
    expect(v.rejected).toEqual([
      { item: 'metrics.3', field: 'step', message: expect.stringMatching(/≤ 2\^53 − 1/) },
      { item: 'metrics.4', field: 'step', message: 'must be ≥ 0' },
      { item: 'metrics.5', field: 'step', message: 'must be an integer' },
    ]);
    expect(describeRejected(v.rejected)).toMatch(/^metrics\.3\.step: must be ≤ 2\^53 − 1.*; metrics\.4\.step: must be ≥ 0; metrics\.5\.step: must be an integer$/);
  });

  it('checks INT columns, timestamps and JSON nesting like the database does', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { a: deep };
    const env = ingestEnvelopeSchema.parse({
      rollouts: [rollout(), rollout({ groupIndex: 2 ** 31 }), rollout({ length: -1 }), rollout({ breakdown: deep }), rollout({ reward: null })],
      metrics: [{ ...metric(1), wallTime: 9e15 }],
      logs: [{ seq: 2 ** 31, line: 'x' }],
    });
    const v = validateIngestItems(env);
    expect(v.batch.rollouts).toHaveLength(1);
    expect(v.rejected.map((r) => `${r.item}.${r.field}`)).toEqual(['metrics.0.wallTime', 'rollouts.1.groupIndex', 'rollouts.2.length', 'rollouts.3.breakdown', 'rollouts.4.reward', 'logs.0.seq']);
  });

  it('JSON depth is measured without recursion', () => {
    let deep: unknown = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDepthAtMost(deep, 64)).toBe(false);
    expect(jsonDepthAtMost({ a: [{ b: 1 }] }, 3)).toBe(true);
    expect(jsonDepthAtMost({ a: [{ b: {} }] }, 3)).toBe(false);
    expect(jsonDepthAtMost('text', 0)).toBe(true);
  });
});

describe('sanitizeText', () => {
  it('replaces U+0000 and lone surrogates (what PostgreSQL refuses) and says what it did', () => {
    expect(sanitizeText('plain ✓ 𝒳')).toBeNull();
    expect(sanitizeText('a\u0000b')).toEqual({ text: 'a\uFFFDb', change: '1 U+0000 replaced by U+FFFD' });
    expect(sanitizeText('x\uD800y\uDC00z\uD83D\uDE00')).toEqual({ text: 'x\uFFFDy\uFFFDz\uD83D\uDE00', change: '2 lone surrogates replaced by U+FFFD' });
    expect(sanitizeText('\uDC00\uD800')).toEqual({ text: '\uFFFD\uFFFD', change: '2 lone surrogates replaced by U+FFFD' }); // reversed pair
  });

  it('property: the result is well-formed UTF-16 without U+0000 and as long, and well-formed text is unchanged', () => {
    const piece = fc.oneof(fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D\uDE00', 'a', 'é', ' '), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((parts) => parts.join('')), (s) => {
        const r = sanitizeText(s);
        const out = r ? r.text : s;
        const wellFormed = Buffer.from(out, 'utf8').toString('utf8') === out; // survives UTF-8
        const unchangedIfFine = r !== null || (!s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s);
        return !out.includes('\u0000') && wellFormed && out.length === s.length && unchangedIfFine;
      }),
      { numRuns: 500 },
    );
  }, 30_000);

  it('sanitises every string of a batch, keys included, and notes item and field; a rollout records it in its breakdown', () => {
    const env = ingestEnvelopeSchema.parse({
      metrics: [metric(1), metric(2, 'rew\u0000ard')],
      rollouts: [rollout({ completion: 'ok' }), rollout({ completion: 'a\u0000', think: [{ subject: 'm\uD800', attributes: [], actions: [] }], breakdown: { 'k\u0000': 'v' } })],
      logs: [{ seq: 0, line: 'l\uDC00' }],
    });
    const v = validateIngestItems(env);
    const { batch, sanitized } = sanitizeIngestBatch(v.batch, v.indexes);
    expect(sanitized).toEqual([
      { item: 'metrics.1', field: 'key', change: '1 U+0000 replaced by U+FFFD' },
      { item: 'rollouts.1', field: 'completion', change: '1 U+0000 replaced by U+FFFD' },
      { item: 'rollouts.1', field: 'think.0.subject', change: '1 lone surrogate replaced by U+FFFD' },
      { item: 'rollouts.1', field: 'breakdown.k\uFFFD', change: 'key: 1 U+0000 replaced by U+FFFD' },
      { item: 'logs.0', field: 'line', change: '1 lone surrogate replaced by U+FFFD' },
    ]);
    expect(batch.metrics[1]!.key).toBe('rew\uFFFDard');
    expect(batch.rollouts[0]).toBe(v.batch.rollouts[0]); // untouched items are the same objects
    expect(batch.rollouts[1]!.breakdown).toEqual({ 'k\uFFFD': 'v', ingestSanitized: ['completion: 1 U+0000 replaced by U+FFFD', 'think.0.subject: 1 lone surrogate replaced by U+FFFD', 'breakdown.k\uFFFD: key: 1 U+0000 replaced by U+FFFD'] });
    expect(sanitizeJsonText({ reason: 'failed: \u0000' })).toEqual({ value: { reason: 'failed: \uFFFD' }, changes: [{ field: 'reason', change: '1 U+0000 replaced by U+FFFD' }] });
  });
});

describe('progress', () => {
  it('an invalid progress is rejected on its own; the items still count', () => {
    const v = validateIngestItems(ingestEnvelopeSchema.parse({ metrics: [metric(1)], progress: { step: 3, maxSteps: -1 } }));
    expect(v.batch.metrics).toHaveLength(1);
    expect(v.batch.progress).toBeUndefined();
    expect(v.rejected).toEqual([{ item: 'progress', field: 'maxSteps', message: 'must be ≥ 0' }]);
    expect(validateIngestItems(ingestEnvelopeSchema.parse({ progress: { step: 3e9, maxSteps: 1e10 } })).batch.progress).toEqual({ step: 3e9, maxSteps: 1e10 });
  });
});
