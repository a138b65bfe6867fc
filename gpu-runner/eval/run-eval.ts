/**
 * Runs evaluations: the benchmarks' clips × a caption per clip → one EvalSample per clip, through a
 * JudgeClient, with bounded concurrency, progress, cancellation and resume (clips already done are
 * skipped). Used by the `videocap eval` CLI and by the runner's eval jobs (./job.ts), so both compute
 * the same numbers.
 */
import type { BenchmarkId, BenchmarkSummary, EvalProgress, EvalSampleRecord } from '../../core/eval/types';
import { summarizeCarebench, summarizeDream1k, summarizeVdc } from '../../core/eval/summary';
import type { VdcQaSet } from '../../core/eval/vdc';
import { createLimiter } from '../providers/http';
import type { JudgeClient } from '../providers/judge-client';
import type { JudgePrompt } from '../providers/types';
import { buildEntailmentPrompt, buildEventExtractionPrompt, buildObjectEntailmentPrompt, buildObjectExtractionPrompt } from '../../core/eval/autodq';
import { buildVdcAnswerRequest } from '../../core/eval/vdc';
import { loadDream1k, type Dream1kClip } from '../datasets/dream1k';
import { loadVdc, type VdcClip } from '../datasets/vdc';
import { loadCarebench, type CarebenchClip } from '../datasets/carebench';
import { scoreCarebenchClip, scoreDream1kClip, scoreVdcClip } from './scorers';

export interface EvalItem {
  clipId: string;
  subset: string;
  /** Judge calls this clip is expected to need (before cache hits), for "calls left". */
  expectedCalls: number;
  /** Prompts known before any judge reply (looked up in the cache in bulk before the clips run). */
  firstPrompts(prediction: string): JudgePrompt[];
  score(client: JudgeClient, prediction: string): Promise<EvalSampleRecord>;
}

export interface BenchmarkTask {
  benchmark: BenchmarkId;
  /** "dream-1k", "vdc/detailed", "carebench". */
  label: string;
  /** VDC QA set; null otherwise. */
  qaSet: VdcQaSet | null;
  items: EvalItem[];
  /** Judge calls one clip can have in flight at once (sizes how many clips run together). */
  parallelCalls: number;
  summarize(samples: readonly EvalSampleRecord[]): BenchmarkSummary;
}

export function sampleKey(s: { benchmark: string; subset: string; clipId: string }): string {
  return `${s.benchmark}\u0000${s.subset}\u0000${s.clipId}`;
}

export function dream1kTask(clips: readonly Dream1kClip[]): BenchmarkTask {
  return {
    benchmark: 'dream-1k',
    label: 'dream-1k',
    qaSet: null,
    parallelCalls: 2,
    items: clips.map((clip) => ({
      clipId: clip.id,
      subset: clip.subset.replace(/^DREAM\//, ''),
      expectedCalls: (clip.events.length > 0 ? 1 : 0) + 2,
      firstPrompts: (prediction) => [
        buildEventExtractionPrompt(prediction, 'tarsier'),
        ...(clip.events.length > 0 ? [buildEntailmentPrompt(prediction.toLowerCase(), clip.events)] : []),
      ],
      score: (client, prediction) => scoreDream1kClip(client, clip, prediction),
    })),
    summarize: summarizeDream1k,
  };
}

export function vdcTask(qaSet: VdcQaSet, clips: readonly VdcClip[]): BenchmarkTask {
  return {
    benchmark: 'vdc',
    label: `vdc/${qaSet}`,
    qaSet,
    parallelCalls: 20,
    items: clips.map((clip) => ({
      clipId: clip.id,
      subset: qaSet,
      expectedCalls: 2 * clip.qas.length,
      firstPrompts: (prediction) => clip.qas.map((qa) => buildVdcAnswerRequest(prediction, qa.question)),
      score: (client, prediction) => scoreVdcClip(client, clip, qaSet, prediction),
    })),
    summarize: (samples) => summarizeVdc(samples, qaSet),
  };
}

export function carebenchTask(clips: readonly CarebenchClip[]): BenchmarkTask {
  return {
    benchmark: 'carebench',
    label: 'carebench',
    qaSet: null,
    parallelCalls: 4,
    items: clips.map((clip) => ({
      clipId: clip.id,
      subset: 'overall',
      expectedCalls: 6 + (clip.events ? 0 : 1) + (clip.objects ? 0 : 1),
      firstPrompts: (prediction) => [
        buildEventExtractionPrompt(prediction, 'carebench'),
        buildObjectExtractionPrompt(prediction),
        ...(clip.events ? (clip.events.length > 0 ? [buildEntailmentPrompt(prediction.toLowerCase(), clip.events)] : []) : [buildEventExtractionPrompt(clip.reference, 'carebench')]),
        ...(clip.objects ? (clip.objects.length > 0 ? [buildObjectEntailmentPrompt(prediction.toLowerCase(), clip.objects)] : []) : [buildObjectExtractionPrompt(clip.reference)]),
      ],
      score: (client, prediction) => scoreCarebenchClip(client, clip, prediction),
    })),
    summarize: summarizeCarebench,
  };
}

export interface TaskSelection {
  benchmarks: readonly BenchmarkId[];
  vdcQaSets?: readonly VdcQaSet[];
  /** Annotation files instead of the shipped ones. */
  annotations?: { dream1k?: string; vdc?: Partial<Record<VdcQaSet, string>>; carebench?: string };
  /** Keep the first N clips of each benchmark (0 = all). */
  maxClips?: number;
}

/** The tasks of a selection, with the benchmarks' clips loaded (throws naming an unreadable file). */
export function buildTasks(sel: TaskSelection): BenchmarkTask[] {
  const limit = <T>(xs: T[]) => (sel.maxClips && sel.maxClips > 0 ? xs.slice(0, sel.maxClips) : xs);
  const tasks: BenchmarkTask[] = [];
  for (const b of sel.benchmarks) {
    if (b === 'dream-1k') tasks.push(dream1kTask(limit(loadDream1k({ path: sel.annotations?.dream1k, think: false }))));
    if (b === 'vdc') for (const q of sel.vdcQaSets ?? ['detailed']) tasks.push(vdcTask(q, limit(loadVdc(q, sel.annotations?.vdc?.[q]))));
    if (b === 'carebench') tasks.push(carebenchTask(limit(loadCarebench(sel.annotations?.carebench))));
  }
  return tasks;
}

export interface EvaluateOptions {
  tasks: readonly BenchmarkTask[];
  /** Caption per clip id (clips without one are missing: not evaluated, listed by the caller). */
  predictions: ReadonlyMap<string, string>;
  client: JudgeClient;
  /** Judge requests in flight (the judge's own limiter enforces it; this sizes the clip pool). */
  concurrency: number;
  /** Keys (sampleKey) of clips already evaluated: skipped (resume). */
  done?: ReadonlySet<string>;
  /** Called with every finished clip (in completion order); awaited. */
  onSample?: (sample: EvalSampleRecord) => Promise<void> | void;
  /** Progress of this call (judge calls counted from its start, not the client's lifetime totals); last call when it ends. */
  onProgress?: (progress: EvalProgress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

/** Judge calls queued per judge slot (clips wait on cache lookups and on each other's steps, so keep more than one per slot). */
const CLIPS_IN_FLIGHT_FACTOR = Number(process.env.EVAL_CLIPS_FACTOR ?? 4);

export class EvalCancelledError extends Error {
  override name = 'AbortError';
}

/** Evaluates every (task, clip) with a caption that is not done yet. Returns the new samples. */
export async function evaluate(opts: EvaluateOptions): Promise<EvalSampleRecord[]> {
  const done = opts.done ?? new Set<string>();
  const work: { task: BenchmarkTask; item: EvalItem; prediction: string }[] = [];
  let alreadyDone = 0;
  for (const task of opts.tasks) {
    for (const item of task.items) {
      const prediction = opts.predictions.get(item.clipId);
      if (prediction === undefined) continue;
      if (done.has(sampleKey({ benchmark: task.benchmark, subset: item.subset, clipId: item.clipId }))) alreadyDone++;
      else work.push({ task, item, prediction });
    }
  }
  const expectedTotal = work.reduce((a, w) => a + w.item.expectedCalls, 0);
  const startCounters = { ...opts.client.counters };
  const started = Date.now();
  let finished = 0;
  let failed = 0;
  let stage = opts.tasks[0]?.label ?? '';
  const progress = (): EvalProgress => {
    const made = opts.client.counters.made - startCounters.made;
    const cached = opts.client.counters.cached - startCounters.cached;
    const elapsed = (Date.now() - started) / 1000;
    const remaining = work.length - finished;
    return {
      clipsTotal: work.length + alreadyDone,
      clipsDone: alreadyDone + finished,
      clipsFailed: failed,
      // This evaluate() call's own calls: a client shared by several calls (the CLI's models) must not add up.
      callsMade: made,
      callsCached: cached,
      callsLeft: remaining === 0 ? 0 : Math.max(0, expectedTotal - made - cached),
      etaSeconds: finished > 0 && remaining > 0 ? (elapsed / finished) * remaining : remaining === 0 ? 0 : null,
      stage,
    };
  };
  const timer = opts.onProgress ? setInterval(() => opts.onProgress?.(progress()), opts.progressIntervalMs ?? 1000) : null;
  timer?.unref?.();
  const out: EvalSampleRecord[] = [];
  try {
    for (const task of opts.tasks) {
      const mine = work.filter((w) => w.task === task);
      if (mine.length === 0) continue;
      stage = task.label;
      await opts.client.prefetch(mine.flatMap((w) => w.item.firstPrompts(w.prediction)));
      // Enough clips in flight to keep every judge slot busy.
      const limit = createLimiter(Math.max(2, Math.ceil((CLIPS_IN_FLIGHT_FACTOR * opts.concurrency) / task.parallelCalls)));
      await Promise.all(
        mine.map((w) =>
          limit(async () => {
            if (opts.signal?.aborted) throw new EvalCancelledError('evaluation cancelled');
            const sample = await w.item.score(opts.client, w.prediction);
            if (opts.signal?.aborted) throw new EvalCancelledError('evaluation cancelled');
            out.push(sample);
            finished++;
            if (sample.failed) failed++;
            await opts.onSample?.(sample);
          }),
        ),
      );
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  opts.onProgress?.(progress());
  return out;
}
