/** A curate run on a runner: validates the stored config, wires the pipeline, reports the outcome. */
import { curateConfigSchema } from '../../core/curation/config';
import type { ServerClient } from '../server-client';
import { createAnnotatorFromEnv, type ThinkAnnotator } from './annotate';
import { curationApi } from './api';
import { runCuration, type CurationSummary } from './pipeline';
import { DynamicityPool } from './pool';

export interface CurateJobInput {
  runId: string;
  runName: string;
  config: unknown;
  client: ServerClient;
  log: (lines: string[]) => Promise<void>;
  progress: (step: number, maxSteps: number) => void;
  signal: AbortSignal;
  env?: Record<string, string | undefined>;
  /** Tests inject an annotator; default from the environment (judge or the offline heuristic). */
  annotator?: ThinkAnnotator;
}

export const CURATE_STAGE_COUNT = 5;

export async function runCurateJob(input: CurateJobInput): Promise<CurationSummary> {
  const parsed = curateConfigSchema.safeParse(input.config);
  if (!parsed.success) {
    throw new Error(`stored curate config is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`).join('; ')}`);
  }
  const config = parsed.data;
  const annotator = input.annotator ?? createAnnotatorFromEnv(input.env ?? process.env, config.annotation.attempts);
  await input.log([
    `curate run: annotator ${annotator.heuristic ? `OFFLINE HEURISTIC — ${annotator.source} (set JUDGE_BASE_URL for the paper's LLM annotation)` : annotator.source}`,
  ]);
  input.progress(0, CURATE_STAGE_COUNT);
  return runCuration({
    runId: input.runId,
    runName: input.runName,
    config,
    api: curationApi(input.client),
    annotator,
    createMeasurer: () => new DynamicityPool(config.workers),
    log: (line) => input.log([line]),
    progress: (n) => input.progress(n, CURATE_STAGE_COUNT),
    signal: input.signal,
  });
}
