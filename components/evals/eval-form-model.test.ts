import { describe, expect, it } from 'vitest';
import { evalFormFromConfig } from './eval-form-model';

describe('evalFormFromConfig (cloning an evaluation)', () => {
  it('fills every field from an evaluation of uploaded captions, reusing its caption source', () => {
    const f = evalFormFromConfig('qwen eval', {
      benchmarks: ['dream-1k'],
      judge: { kind: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen/Qwen2.5-72B-Instruct', temperature: 0.2 },
      source: { kind: 'imported', captionSourceId: 'src1', model: 'Qwen2-VL-7B', fileName: 'preds.jsonl', format: 'jsonl', generation: { prompt: 'Describe the video.', maxFrames: 16, temperature: 0 } },
      concurrency: 4,
      maxClips: 20,
    });
    expect(f).toMatchObject({
      name: 'qwen eval (clone)',
      benchmarks: ['dream-1k'],
      judgeKind: 'openai',
      baseUrl: 'http://127.0.0.1:8000/v1',
      judgeModel: 'Qwen/Qwen2.5-72B-Instruct',
      temperature: '0.2',
      sourceKind: 'imported',
      imported: { captionSourceId: 'src1', model: 'Qwen2-VL-7B', fileName: 'preds.jsonl', format: 'jsonl' },
      genPrompt: 'Describe the video.',
      genFrames: '16',
      genTemperature: '0',
      concurrency: '4',
      maxClips: '20',
    });
  });

  it('fills a checkpoint source and the lexical judge; null for a config that is not an evaluation', () => {
    const f = evalFormFromConfig('e', { benchmarks: ['vdc'], vdcQaSets: ['main_object'], source: { kind: 'checkpoint', runId: 'r1', checkpointId: 'c1' } });
    expect(f).toMatchObject({ judgeKind: 'lexical', sourceKind: 'checkpoint', runId: 'r1', checkpointId: 'c1', qaSets: ['main_object'], imported: null });
    expect(evalFormFromConfig('g', { grpo: { numGenerations: 7 } })).toBeNull();
  });
});
