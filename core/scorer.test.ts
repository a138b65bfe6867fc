import { describe, expect, it } from 'vitest';
import { describeScorer, readScorer, scorerIdentitySchema, scorerLabel } from './scorer';

const lexicalEmbedder = { kind: 'lexical' as const, model: 'lexical-embedder-v2', id: 'lexical:lexical-embedder-v2#512' };
const lexicalJudge = { kind: 'lexical' as const, model: 'lexical-judge-v2', id: 'lexical:lexical-judge-v2', promptVersion: 'autodq-v1' };
const bge = { kind: 'openai' as const, model: 'BAAI/bge-m3', id: 'openai:BAAI/bge-m3@http://emb:8000/v1' };
const qwen = { kind: 'openai' as const, model: 'Qwen2.5-72B-Instruct', id: 'openai:Qwen2.5-72B-Instruct@http://judge:8000/v1', promptVersion: 'autodq-v1' };

describe('scorer identity', () => {
  it('marks any lexical provider, and the local simulation, as an approximation and says so in the label', () => {
    const offline = describeScorer({ embedder: lexicalEmbedder, judge: lexicalJudge, simThreshold: 0.5, escoreThresholds: [0.28, 0.35] });
    expect(offline).toEqual({
      embedder: lexicalEmbedder,
      judge: lexicalJudge,
      simThreshold: 0.5,
      escoreThresholds: [0.28, 0.35],
      approximate: true,
      label: 'lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B',
    });
    const paper = describeScorer({ embedder: bge, judge: qwen, simThreshold: 0.5, escoreThresholds: [0.28, 0.35] });
    expect([paper.approximate, paper.label]).toEqual([false, 'BAAI/bge-m3 embedder + Qwen2.5-72B-Instruct judge']);
    expect(scorerLabel({ embedder: bge, judge: lexicalJudge, simThreshold: 0.5, escoreThresholds: null })).toBe(
      'BAAI/bge-m3 embedder + lexical judge — offline approximation, not Qwen2.5-72B',
    );
    const simulated = describeScorer({ embedder: bge, judge: null, simThreshold: 0.5, escoreThresholds: null, simulation: true });
    expect(simulated.approximate).toBe(true);
    expect(simulated.label).toBe('local CPU simulation (simulated perception, not a video model); BAAI/bge-m3 embedder');
    expect(describeScorer({ embedder: null, judge: null, simThreshold: null, escoreThresholds: null }).label).toMatch(/^no embedder or judge/);
  });

  it('validates stored identities and says what is wrong', () => {
    const offline = describeScorer({ embedder: lexicalEmbedder, judge: null, simThreshold: 0.5, escoreThresholds: null });
    expect(readScorer(offline)).toEqual({ ok: true, scorer: offline });
    expect(readScorer(null)).toEqual({ ok: true, scorer: null });
    // A lexical provider may not be stored as exact.
    expect(readScorer({ ...offline, approximate: false })).toEqual({ ok: false, error: 'approximate: must be true when a lexical provider scored the run (it is an offline approximation)' });
    // The old shape (no ids, no label) is refused, naming the fields.
    const old = readScorer({ judge: null, embedder: { kind: 'lexical', model: 'x' }, simThreshold: 0.5 });
    expect(old.ok).toBe(false);
    expect(!old.ok && old.error).toMatch(/embedder\.id/);
    expect(scorerIdentitySchema.safeParse({ ...offline, simThreshold: 1.5 }).success).toBe(false);
  });
});
