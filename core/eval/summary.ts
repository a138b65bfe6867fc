/**
 * Per-clip records → benchmark summary (the same aggregation for the CLI, the runner and the server).
 * Failed clips are counted and excluded; scores come from `EvalSampleRecord.scores`.
 */
import { aggregateCarebench } from './carebench';
import { aggregateDream1k, type Dream1kClipScore } from './dream1k';
import type { BenchmarkSummary, EvalSampleRecord } from './types';
import { aggregateVdc } from './vdc';

type SampleScores = Pick<EvalSampleRecord, 'benchmark' | 'subset' | 'failed' | 'scores'>;

function num(s: SampleScores, key: string): number {
  const v = s.scores[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`sample of ${s.benchmark}/${s.subset} has no score "${key}"`);
  return v;
}

/** DREAM-1K summary of the samples of one evaluation. */
export function summarizeDream1k(samples: readonly SampleScores[]): BenchmarkSummary {
  const scored: Dream1kClipScore[] = [];
  const failed: Record<string, number> = {};
  for (const s of samples) {
    if (s.benchmark !== 'dream-1k') continue;
    if (s.failed) {
      failed[s.subset] = (failed[s.subset] ?? 0) + 1;
      continue;
    }
    scored.push({ subset: s.subset, recall: num(s, 'recall'), precision: num(s, 'precision'), nSubjects: num(s, 'n_subjects'), nShots: num(s, 'n_shots'), nEvents: num(s, 'n_events') });
  }
  return { benchmark: 'dream-1k', ...aggregateDream1k(scored, failed) };
}

/** VDC summary of one QA set. */
export function summarizeVdc(samples: readonly SampleScores[], qaSet: string): BenchmarkSummary {
  const mine = samples.filter((s) => s.benchmark === 'vdc' && s.subset === qaSet);
  const ok = mine.filter((s) => !s.failed);
  return { benchmark: 'vdc', qaSet, ...aggregateVdc(ok.map((s) => ({ accuracy: num(s, 'accuracy'), score: num(s, 'score') })), mine.length - ok.length) };
}

export function summarizeCarebench(samples: readonly SampleScores[]): BenchmarkSummary {
  const mine = samples.filter((s) => s.benchmark === 'carebench');
  const ok = mine.filter((s) => !s.failed);
  return {
    benchmark: 'carebench',
    ...aggregateCarebench(
      ok.map((s) => ({
        actionRecall: num(s, 'action_recall'),
        actionPrecision: num(s, 'action_precision'),
        objectRecall: num(s, 'object_recall'),
        objectPrecision: num(s, 'object_precision'),
      })),
      mine.length - ok.length,
    ),
  };
}
