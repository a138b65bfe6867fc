import { describe, expect, it } from 'vitest';
import { captionScoreKind, ENTITY_SIM_FORMULA, escoreLabel, escoreThresholdsOf, lengthUnitOfRun, metricTitle } from './metric-labels';
import { isApproximateCurve, readRunScorer, scorerShort, scorerText } from './scorer-view';

const lexicalScorer = {
  embedder: { kind: 'lexical', model: 'lexical', id: 'lexical-embedder-v1' },
  judge: { kind: 'lexical', model: 'lexical', id: 'lexical-judge-v1', promptVersion: 'entail-v1' },
  simThreshold: 0.5,
  escoreThresholds: [0.3, 0.4],
  approximate: true,
  label: 'offline lexical approximation',
};

describe('response length unit', () => {
  it('is words for the local backend and tokens for ms-swift and imported trainer runs', () => {
    expect(lengthUnitOfRun({ backend: 'local' })).toBe('words');
    expect(lengthUnitOfRun({ backend: 'swift' })).toBe('tokens');
    expect(lengthUnitOfRun({ backend: 'import', source: { format: 'swift', path: '/x' } })).toBe('tokens');
    expect(lengthUnitOfRun({ backend: 'import', source: { format: 'verl' } })).toBe('tokens');
    expect(lengthUnitOfRun({ backend: 'import', source: null })).toBe('tokens');
  });

  it('titles the chart with the unit, and says so when overlaid runs differ', () => {
    expect(metricTitle('response_length', [{ backend: 'local' }])).toEqual({ title: 'response_length (words)', note: null });
    const mixed = metricTitle('response_length', [{ backend: 'local' }, { backend: 'swift' }]);
    expect(mixed.title).toBe('response_length (words / tokens)');
    expect(mixed.note).toMatch(/units differ by run/);
    expect(metricTitle('loss', [{ backend: 'local' }])).toEqual({ title: 'loss', note: null });
  });
});

describe('caption score labels', () => {
  const escoreRun = { backend: 'local', config: { rewards: [{ name: 'format', weight: 1 }, { name: 'escore', weight: 1 }], escoreThresholds: [0.28, 0.35] } };
  it('names Escore with its coverage thresholds (the stored scorer wins over the config)', () => {
    expect(captionScoreKind(escoreRun)).toBe('escore');
    expect(escoreThresholdsOf(escoreRun)).toEqual([0.28, 0.35]);
    expect(escoreThresholdsOf({ ...escoreRun, scorer: lexicalScorer })).toEqual([0.3, 0.4]);
    expect(escoreLabel([0.28, 0.35])).toBe('Escore: event coverage < 0.28 → 0, < 0.35 → 0.5, else 1 (Eq. 8)');
    expect(metricTitle('caption_score', [escoreRun])).toEqual({ title: 'caption_score (Escore)', note: escoreLabel([0.28, 0.35]) });
  });

  it('names CNscore, and leaves mixed or unknown runs unnamed', () => {
    const cn = { backend: 'local', config: { rewards: [{ name: 'cnscore', weight: 1 }] } };
    expect(metricTitle('caption_score', [cn]).title).toBe('caption_score (CNscore)');
    expect(metricTitle('caption_score', [cn, escoreRun]).title).toBe('caption_score');
    expect(metricTitle('caption_score', [cn, escoreRun]).note).toContain('Escore');
    expect(captionScoreKind({ config: 'garbage' })).toBeNull();
    expect(escoreThresholdsOf({ config: { escoreThresholds: ['a', 1] } })).toBeNull();
  });

  it('states the entity similarity formula of Eq. 4', () => {
    expect(ENTITY_SIM_FORMULA).toMatch(/F1\(attributes\) \+ F1\(actions\) \+ sim\(names\)/);
  });
});

describe('Run.scorer, read defensively', () => {
  it('reads the stored shape and names it in one line', () => {
    const s = readRunScorer(lexicalScorer)!;
    expect(s.embedder?.id).toBe('lexical-embedder-v1');
    expect(scorerText(s)).toBe(
      'offline lexical approximation — embedder: lexical (lexical-embedder-v1); judge: lexical (lexical-judge-v1), prompt entail-v1; δ 0.5; Escore coverage thresholds 0.3/0.4; approximate',
    );
    expect(scorerShort(s)).toBe('offline lexical approximation');
    expect(scorerShort({ ...s, label: '' })).toBe('embedder lexical lexical-embedder-v1 · judge lexical lexical-judge-v1 (approximate)');
  });

  it('null, non-objects and odd fields never throw', () => {
    expect(readRunScorer(null)).toBeNull();
    expect(readRunScorer('lexical')).toBeNull();
    expect(readRunScorer([1])).toBeNull();
    const odd = readRunScorer({ embedder: 'x', judge: { kind: 'openai', model: 'Qwen2.5-72B-Instruct' }, escoreThresholds: [1], approximate: 'yes' })!;
    expect(odd).toEqual({ embedder: null, judge: { kind: 'openai', model: 'Qwen2.5-72B-Instruct', id: '', promptVersion: '' }, simThreshold: null, escoreThresholds: null, approximate: false, label: '' });
    expect(scorerText(null)).toBe('');
  });

  it('marks only the curves a lexical provider produced as approximations', () => {
    const judgeOnlyLexical = readRunScorer({ ...lexicalScorer, embedder: { kind: 'openai', model: 'BAAI/bge-m3', id: 'bge-m3' }, approximate: true })!;
    expect(isApproximateCurve(judgeOnlyLexical, 'think_score')).toBe(false);
    expect(isApproximateCurve(judgeOnlyLexical, 'caption_score')).toBe(true);
    expect(isApproximateCurve(judgeOnlyLexical, 'reward')).toBe(true);
    expect(isApproximateCurve(judgeOnlyLexical, 'loss')).toBe(false);
    const paper = readRunScorer({ ...lexicalScorer, embedder: { kind: 'openai', model: 'bge-m3', id: 'e' }, judge: { kind: 'openai', model: 'qwen', id: 'j', promptVersion: 'p' }, approximate: false })!;
    expect(['think_score', 'caption_score', 'reward'].some((k) => isApproximateCurve(paper, k))).toBe(false);
    expect(isApproximateCurve(null, 'reward')).toBe(false);
  });
});
