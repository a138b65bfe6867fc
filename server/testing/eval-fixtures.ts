/**
 * Synthetic per-clip DREAM-1K records and their official result rows, for tests of the paired
 * bootstrap (integration and e2e): the clips are real DREAM-1K ids (seeded by prisma/seed.ts) with
 * their real subsets; recall / precision are drawn from a seeded generator around `quality`.
 */
import { summarizeDream1k } from '../../core/eval/summary';
import { summaryResultRows, type EvalResultRecord, type EvalSampleInput } from '../../core/eval/types';
import { mulberry32 } from '../../core/results/bootstrap';

const SUBSETS = ['movie_animation', 'movie_live_action', 'vertical_video', 'videvo', 'youtube'];

/** Clips dream-1k/1 … dream-1k/<clips>; every `failEvery`-th clip failed (0 = none). */
export function syntheticDreamBatch(options: { clips: number; quality: number; seed: number; judgeModel?: string; failEvery?: number; firstClip?: number }) {
  const rand = mulberry32(options.seed);
  const u = () => rand() / 4294967296;
  const judgeModel = options.judgeModel ?? 'lexical-judge-v2';
  const first = options.firstClip ?? 1;
  const samples: EvalSampleInput[] = [];
  for (let k = 0; k < options.clips; k++) {
    const i = first + k;
    const failed = !!options.failEvery && i % options.failEvery === 0;
    const clamp = (x: number) => Math.max(0, Math.min(1, x));
    const recall = clamp(options.quality + 0.3 * (u() - 0.5));
    const precision = clamp(options.quality + 0.3 * (u() - 0.5));
    samples.push({
      benchmark: 'dream-1k',
      // DREAM-1K's five subsets are 200 consecutive clips each.
      subset: SUBSETS[Math.min(4, Math.floor((i - 1) / 200))],
      clipId: `dream-1k/${i}`,
      prediction: `synthetic caption ${i}`,
      reference: '',
      failed,
      failureReason: failed ? 'precision (predicted events vs reference): synthetic failure' : null,
      scores: failed ? { n_subjects: 1, n_shots: 1, n_events: 3 } : { recall, precision, n_subjects: 1, n_shots: 1, n_events: 3 },
      details: {},
      judgeModel,
    });
  }
  const summary = summarizeDream1k(samples.map((s) => ({ benchmark: s.benchmark, subset: s.subset, failed: s.failed, scores: s.scores })));
  const judge = { kind: 'lexical' as const, model: judgeModel, endpoint: null, temperature: 0, maxTokens: null, promptVersion: 'synthetic' };
  const provenance = { method: 'imported' as const, model: 'synthetic', checkpoint: null, prompt: null, frames: null, temperature: null, simulated: false, file: null, notes: 'test fixture' };
  const results: EvalResultRecord[] = summaryResultRows(summary).map((r) => ({ ...r, origin: 'measured', simulated: false, modelName: 'synthetic', checkpointId: null, judge, provenance }));
  return { samples, results };
}
