/**
 * Captions of a swift checkpoint for evaluations: `swift infer --infer_backend vllm` (ms-swift 4.5.2,
 * `swift/pipelines/infer/infer.py`) on the node's rollout GPU, over a dataset of the clips' videos with
 * the evaluated run's prompt (its thinking mode), greedy unless the eval says otherwise. ms-swift writes
 * one JSON line per dataset row to `--result_path`, in row order, with the completion in `response`;
 * the caption is the completion's `<answer>` (the whole completion when it has no answer tags).
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitCompletion } from '../../../core/think';
import type { CaptionRequest, GeneratedCaptions } from '../../report';
import { buildInferCommand, formatInvocation } from './commands';
import { promptFor } from './dataset';
import { LineRing, spawnManaged } from './process';

export interface InferDatasetRow {
  messages: { role: 'user'; content: string }[];
  videos: string[];
  clip_id: string;
}

/** Rows for `swift infer`: the user turn only (`<video>` + the run's prompt); clips without a video are skipped. */
export function inferDatasetRows(req: Pick<CaptionRequest, 'clips' | 'trained'>): { rows: InferDatasetRow[]; skipped: { clipId: string; reason: string }[] } {
  const prompt = promptFor(req.trained.config.thinkingMode);
  const rows: InferDatasetRow[] = [];
  const skipped: { clipId: string; reason: string }[] = [];
  for (const c of req.clips) {
    if (!c.videoPath) skipped.push({ clipId: c.id, reason: 'no video file on this runner (set VIDEO_ROOT)' });
    else rows.push({ messages: [{ role: 'user', content: `<video>${prompt}` }], videos: [c.videoPath], clip_id: c.id });
  }
  return { rows, skipped };
}

/** Reads ms-swift's result JSONL back, row by row; throws when the count or a video does not match. */
export function parseInferResults(text: string, rows: readonly InferDatasetRow[]): Map<string, string> {
  const lines = text.split('\n').filter((l) => l.trim().length > 0);
  if (lines.length !== rows.length) throw new Error(`swift infer wrote ${lines.length} results for ${rows.length} rows`);
  const out = new Map<string, string>();
  lines.forEach((line, i) => {
    let obj: { response?: unknown; videos?: unknown; clip_id?: unknown };
    try {
      obj = JSON.parse(line) as typeof obj;
    } catch {
      throw new Error(`swift infer result line ${i + 1} is not JSON`);
    }
    if (typeof obj.response !== 'string') throw new Error(`swift infer result line ${i + 1} has no "response"`);
    if (typeof obj.clip_id === 'string' && obj.clip_id !== rows[i].clip_id) throw new Error(`swift infer result line ${i + 1} is for clip ${obj.clip_id}, expected ${rows[i].clip_id}`);
    out.set(rows[i].clip_id, splitCompletion(obj.response).answer ?? obj.response.trim());
  });
  return out;
}

export async function generateSwiftCaptions(req: CaptionRequest, options: { executable?: string } = {}): Promise<GeneratedCaptions> {
  const cfg = req.trained.config;
  const dir = join(req.workDir, 'swift-infer');
  await mkdir(dir, { recursive: true });
  const { rows, skipped } = inferDatasetRows(req);
  if (rows.length === 0) throw new Error(`swift backend: none of the ${req.clips.length} clips has a video on this runner (set VIDEO_ROOT): cannot generate captions`);
  const datasetPath = join(dir, 'infer-dataset.jsonl');
  const resultPath = join(dir, 'infer-result.jsonl');
  await writeFile(datasetPath, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { invocation } = buildInferCommand(cfg, {
    model: req.checkpoint.path,
    datasetPath,
    resultPath,
    maxNewTokens: req.maxNewTokens,
    temperature: req.temperature,
    executable: options.executable,
  });
  const ring = new LineRing(200);
  await req.log([`[videocap] ${formatInvocation(invocation)}`]);
  const proc = spawnManaged(invocation, { onLine: (line) => ring.push(line) });
  const onAbort = () => void proc.killTree(cfg.swift.killGraceSec * 1000);
  req.signal.addEventListener('abort', onAbort, { once: true });
  const exit = await proc.exited.finally(() => req.signal.removeEventListener('abort', onAbort));
  await req.log(ring.toArray().slice(-20).map((l) => `[swift infer] ${l}`));
  if (req.signal.aborted) throw new Error('swift infer cancelled');
  if (exit.code !== 0) throw new Error(`swift infer exited with ${exit.code ?? exit.signal}\n${ring.toArray().join('\n')}`);
  const captions = parseInferResults(await readFile(resultPath, 'utf8'), rows);
  return {
    captions,
    skipped,
    provenance: {
      method: 'swift-infer',
      model: cfg.baseModel,
      checkpoint: { runId: req.trained.runId, checkpointId: req.checkpoint.id, step: req.checkpoint.step, path: req.checkpoint.path },
      prompt: promptFor(cfg.thinkingMode),
      frames: { maxFrames: cfg.frames.maxFrames, maxPixels: cfg.frames.maxPixels },
      temperature: req.temperature,
      simulated: false,
      file: null,
      notes: `swift infer --infer_backend vllm, max_new_tokens ${req.maxNewTokens}`,
    },
  };
}
