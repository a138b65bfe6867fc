import { describe, expect, it } from 'vitest';
import { isReferenceModel, isReferenceSource } from './reference-source';

describe('reference sources', () => {
  it('reads "Human" and the other reference names in any case as the reference', () => {
    for (const n of ['Human', 'human', ' GT ', 'Ground Truth', 'reference']) expect(isReferenceModel(n)).toBe(true);
    for (const n of ['GPT-4o', 'Humanoid-7B', '', null, undefined]) expect(isReferenceModel(n)).toBe(false);
  });

  it('marks reference-kind sources and sources named after the reference, not models', () => {
    expect(isReferenceSource({ kind: 'reference', model: 'Reference', name: 'Reference · dream-1k' })).toBe(true);
    // uploaded before uploads skipped the reference: model unset, the name starts with it
    expect(isReferenceSource({ kind: 'imported', model: null, name: 'Human · dream-1k · dream1k-explorer-sample.jsonl · 2026-12-01T04:13:21.807Z' })).toBe(true);
    expect(isReferenceSource({ kind: 'imported', model: 'Human', name: 'Human · dream-1k' })).toBe(true);
    expect(isReferenceSource({ kind: 'imported', model: 'GPT-4o', name: 'GPT-4o · dream-1k' })).toBe(false);
    expect(isReferenceSource({ kind: 'imported', model: null, name: 'GPT-4o · dream-1k · f.jsonl · 2026-12-01T04:13:21.807Z' })).toBe(false);
  });
});
