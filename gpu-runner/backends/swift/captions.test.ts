import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../core/run-config';
import type { ClipRecord } from '../../../core/types';
import { buildInferCommand } from './commands';
import { generateSwiftCaptions, inferDatasetRows, parseInferResults } from './captions';
import { STRUCTURED_THINKING_PROMPT } from './dataset';

const FAKE_SWIFT = fileURLToPath(new URL('./testing/fake-swift', import.meta.url));
const clip = (id: string, videoPath: string | null): ClipRecord => ({ id, referenceCaption: 'ref', events: [], think: null, videoPath });

describe('swift infer for evaluations', () => {
  it('builds vLLM inference from the checkpoint with the eval temperature and budget', () => {
    const { invocation } = buildInferCommand(runConfigSchema.parse({}), { model: '/ck/checkpoint-50', datasetPath: '/w/d.jsonl', resultPath: '/w/r.jsonl', temperature: 0.7, maxNewTokens: 512 });
    const a = invocation.args;
    expect(a.slice(0, 5)).toEqual(['infer', '--model', '/ck/checkpoint-50', '--infer_backend', 'vllm']);
    expect(a[a.indexOf('--temperature') + 1]).toBe('0.7');
    expect(a[a.indexOf('--max_new_tokens') + 1]).toBe('512');
    expect(invocation.env).toMatchObject({ CUDA_VISIBLE_DEVICES: '7', FPS_MAX_FRAMES: '32' });
  });

  it('runs the stand-in swift on the rows and reads the answers back in row order (contract)', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'swift-captions-'));
    const config = runConfigSchema.parse({});
    const logs: string[] = [];
    const out = await generateSwiftCaptions(
      {
        runId: 'eval-1',
        clips: [clip('dream-1k/1', '/videos/1.mp4'), clip('dream-1k/2', null), clip('vdc/abc', '/videos/vdc/abc.mp4')],
        checkpoint: { id: 'ck', step: 50, path: '/ck/checkpoint-50' },
        trained: { runId: 'train-1', kind: 'grpo', config },
        temperature: 0,
        maxNewTokens: 256,
        workDir,
        signal: new AbortController().signal,
        log: async (lines) => void logs.push(...lines),
      },
      { executable: FAKE_SWIFT },
    );
    expect([...out.captions]).toEqual([
      ['dream-1k/1', 'A person walks across the room in 1.mp4.'],
      ['vdc/abc', 'A person walks across the room in abc.mp4.'],
    ]);
    expect(out.skipped).toEqual([{ clipId: 'dream-1k/2', reason: 'no video file on this runner (set VIDEO_ROOT)' }]);
    expect(out.provenance).toMatchObject({ method: 'swift-infer', model: config.baseModel, prompt: STRUCTURED_THINKING_PROMPT, frames: { maxFrames: 32 }, temperature: 0, simulated: false });
    expect(logs[0]).toMatch(/swift infer --model \/ck\/checkpoint-50 --infer_backend vllm/);
  });

  it('rejects results that do not line up with the rows', () => {
    const { rows } = inferDatasetRows({ clips: [clip('a', '/v/a.mp4'), clip('b', '/v/b.mp4')], trained: { runId: 'r', kind: 'grpo', config: runConfigSchema.parse({}) } });
    expect(rows[0].messages[0].content.startsWith('<video>')).toBe(true);
    expect(() => parseInferResults('{"response": "x"}\n', rows)).toThrow(/wrote 1 results for 2 rows/);
    expect(() => parseInferResults('{"response": "x"}\n{"labels": null}\n', rows)).toThrow(/line 2 has no "response"/);
    expect([...parseInferResults('{"response": "<answer>A.</answer>"}\n{"response": "plain text"}\n', rows)]).toEqual([['a', 'A.'], ['b', 'plain text']]);
  });
});
