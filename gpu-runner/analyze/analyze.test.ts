import { describe, expect, it } from 'vitest';
import type { AnalysisItem } from '../../core/compare/analysis';
import { JudgeClient } from '../providers/judge-client';
import { createLexicalJudge } from '../providers/lexical-judge';
import { analyzeCaption, referenceDescription } from './analyze';

const TEXT = 'A man in a red shirt opens a wooden door. A small dog barks at him. A cat jumps onto the table.';
const item = (over: Partial<AnalysisItem> = {}): AnalysisItem => ({
  captionId: 'c',
  clipId: 'k',
  sourceId: 's',
  sourceName: 'S',
  text: TEXT,
  textHash: 'h',
  benchmark: 'dream-1k',
  reference: { caption: 'A man in a red shirt opens a wooden door and a small dog barks at him.', events: [], objects: [] },
  baseline: null,
  ...over,
});

describe('analyzeCaption (offline lexical judge through the evaluation’s JudgeClient)', () => {
  const client = () => new JudgeClient(createLexicalJudge(), { attempts: 2, store: null });

  it('DREAM-1K clips: event claims only, labelled and mapped to spans', async () => {
    const claims = await analyzeCaption(client(), item());
    expect(claims.every((c) => c.kind === 'event')).toBe(true);
    expect(claims.map((c) => [c.label, c.start === null ? null : TEXT.slice(c.start, c.end!)])).toEqual([
      ['accurate', 'man in a red shirt opens a wooden door'],
      ['accurate', 'dog barks'],
      ['hallucination', 'cat jumps onto the table'],
    ]);
  });

  it('other clips add object claims; a baseline turns claims it lacks into unique details', async () => {
    const claims = await analyzeCaption(client(), item({ benchmark: null, baseline: { sourceId: 'b', text: 'A man opens a door.' } }));
    expect(claims.some((c) => c.kind === 'object')).toBe(true);
    const dog = claims.find((c) => c.kind === 'event' && /dog/.test(c.claim))!;
    expect(dog).toMatchObject({ relationship: 'entailment', label: 'unique' });
    expect(dog.baselineRelationship).not.toBe('entailment');
    // hallucinated claims are never judged against the baseline
    expect(claims.filter((c) => c.label === 'hallucination').every((c) => c.baselineRelationship === null)).toBe(true);
  });

  it('an empty caption has no claims; a clip without a reference caption is judged against its events and objects', async () => {
    expect(await analyzeCaption(client(), item({ text: '  ' }))).toEqual([]);
    expect(referenceDescription({ reference: { caption: '', events: ['A man opens a door', 'a dog barks.'], objects: ['red shirt'] } })).toBe('a man opens a door. a dog barks. red shirt.');
  });
});
