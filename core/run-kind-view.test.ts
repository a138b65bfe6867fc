import { describe, expect, it } from 'vitest';
import { cloneHref, describeRunKind, isLocalSimulation, runApproximationNote } from './run-kind-view';

const lexicalScorer = {
  embedder: { kind: 'lexical', model: 'lexical-bow', id: 'lexical-bow-v1' },
  judge: { kind: 'lexical', model: 'lexical-nli', id: 'lexical-nli-v1', promptVersion: 'entail-v1' },
  simThreshold: 0.5,
  escoreThresholds: null,
  approximate: true,
  label: 'lexical approximation',
};

const evalImported = {
  benchmarks: ['dream-1k', 'vdc'],
  vdcQaSets: ['detailed'],
  judge: { kind: 'lexical' },
  source: { kind: 'imported', captionSourceId: 'src1', model: 'Qwen2-VL-7B', fileName: 'dream1k-explorer-sample.jsonl', format: 'multi-model', generation: {} },
};

describe('describeRunKind', () => {
  it('describes an evaluation of uploaded captions by its benchmarks, judge and captions — not as the CPU simulation', () => {
    const v = describeRunKind({ id: 'e1', kind: 'eval', backend: 'local', config: evalImported });
    expect(v.backend).not.toMatch(/simulation/i);
    expect(v.backendShort).toBe('local (judge only)');
    expect(v.simulationNotice).toBe(false);
    expect(v.showsScorer).toBe(false);
    expect(v.page).toEqual({ href: '/evals/e1', label: 'evaluation page' });
    expect(v.facts).toEqual([
      { label: 'Benchmarks', value: 'dream-1k, vdc (detailed)', testId: 'run-eval-benchmarks' },
      { label: 'Judge', value: 'offline lexical judge', approximate: true, testId: 'run-eval-judge' },
      { label: 'Captions', value: 'uploaded predictions of Qwen2-VL-7B (dream1k-explorer-sample.jsonl)', testId: 'run-eval-captions' },
    ]);
  });

  it('names an LLM judge without the lexical mark, and a local checkpoint\'s captions as simulated', () => {
    const v = describeRunKind({
      id: 'e2',
      kind: 'eval',
      backend: 'local',
      config: { benchmarks: ['dream-1k'], judge: { kind: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-72B-Instruct' }, source: { kind: 'checkpoint', runId: 'r1', checkpointId: 'c1' } },
    });
    expect(v.facts[1]).toMatchObject({ label: 'Judge', value: 'Qwen/Qwen2.5-72B-Instruct (http://127.0.0.1:8000/v1, temperature 0)', approximate: false });
    expect(v.facts[2]!.value).toMatch(/simulated from each clip/);
    expect(v.backendShort).toBe('local (simulated captions)');
    expect(v.simulationNotice).toBe(false);
  });

  it('describes a curation by what it curated and links its page', () => {
    const v = describeRunKind({ id: 'c1', kind: 'curate', backend: 'local', config: { source: { kind: 'dataset', dataset: 'recap-train' }, output: { datasetName: 'curated-1.5k' } } });
    expect(v.simulationNotice).toBe(false);
    expect(v.backend).not.toMatch(/simulation/i);
    expect(v.page).toEqual({ href: '/curate/c1', label: 'curation page' });
    expect(v.facts.map((f) => f.value)).toEqual(['dataset recap-train', 'dataset curated-1.5k, up to 1500 clips']);
  });

  it('keeps the simulation label and notice for local GRPO / SFT training only', () => {
    const grpo = describeRunKind({ id: 'g', kind: 'grpo', backend: 'local' });
    expect(grpo).toMatchObject({ backend: 'local (CPU simulation — not a video model)', backendShort: 'local (CPU simulation)', simulationNotice: true, showsScorer: true });
    expect(describeRunKind({ id: 's', kind: 'grpo', backend: 'swift' })).toMatchObject({ backendShort: 'swift', simulationNotice: false });
    expect(describeRunKind({ id: 'a', kind: 'analyze', backend: 'local', config: { pairs: [{}, {}], judge: { kind: 'lexical' } } })).toMatchObject({ simulationNotice: false, showsScorer: false });
    expect(isLocalSimulation({ kind: 'sft', backend: 'local' })).toBe(true);
    expect(isLocalSimulation({ kind: 'eval', backend: 'local' })).toBe(false);
  });
});

describe('cloneHref', () => {
  it('opens the launch form of the run\'s kind', () => {
    expect(cloneHref({ id: 'r 1', kind: 'grpo' })).toBe('/runs/new?clone=r%201');
    expect(cloneHref({ id: 'e1', kind: 'eval' })).toBe('/evals/new?clone=e1');
    expect(cloneHref({ id: 'c1', kind: 'curate' })).toBe('/curate?clone=c1');
    expect(cloneHref({ id: 'a1', kind: 'analyze' })).toBeNull();
  });
});

describe('runApproximationNote', () => {
  it('names the local simulation and the lexical providers', () => {
    expect(runApproximationNote({ kind: 'grpo', backend: 'local', scorer: lexicalScorer })).toBe("local CPU simulation; lexical judge/embedder — approximations, not the paper's setup");
    expect(runApproximationNote({ kind: 'grpo', backend: 'swift', scorer: { ...lexicalScorer, embedder: { kind: 'openai', model: 'bge-m3', id: 'bge' } } })).toBe("lexical judge — approximations, not the paper's setup");
    expect(runApproximationNote({ kind: 'grpo', backend: 'local', scorer: null })).toBe("local CPU simulation — approximations, not the paper's setup");
  });

  it('is null for a GPU run scored by real providers', () => {
    expect(runApproximationNote({ kind: 'grpo', backend: 'swift', scorer: { ...lexicalScorer, embedder: { kind: 'openai', model: 'm', id: 'i' }, judge: { kind: 'openai', model: 'm', id: 'j', promptVersion: 'p' }, approximate: false } })).toBeNull();
    expect(runApproximationNote({ kind: 'grpo', backend: 'import', scorer: null })).toBeNull();
  });
});
