/**
 * What run.launch checks beyond the config's shape: the configuration's combinations
 * (core/config-validation.ts), that its dataset is one the server knows, and whether it trains on
 * an evaluation benchmark (issue 8 item 7: training on the test set is flagged, not forbidden).
 */
import { checkRunConfig, parseDatasetRef, suggestKey } from '../../core/config-validation';
import type { RunConfig } from '../../core/run-config';
import type { RunKind } from '../../core/types';
import type { Db } from '../db';
import { ValidationError } from './errors';

/** Validate a run config for a launch of `kind`; the error names each field and the reason. */
export function validateLaunchConfig(kind: RunKind, config: unknown): RunConfig {
  const r = checkRunConfig(kind, config);
  if (r.ok) return r.config;
  const fieldErrors: Record<string, string> = {};
  for (const issue of r.issues) fieldErrors[issue.path] ??= issue.message;
  const msg = Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  throw new ValidationError(`invalid run config — ${msg}`, fieldErrors);
}

export interface LaunchDataset {
  name: string;
  kind: string;
  benchmarks: string[];
}

/**
 * The Dataset row a config's `dataset` names (`dream-1k`, or `dream-1k:64` for its first 64 clips).
 * Throws ValidationError on `config.dataset` naming the datasets that exist, with the closest one.
 */
export async function resolveLaunchDataset(db: Db, ref: string): Promise<LaunchDataset> {
  const { name, limit } = parseDatasetRef(ref);
  const row = await db.dataset.findUnique({ where: { name }, select: { name: true, kind: true, benchmarks: true } });
  if (row) {
    if (limit === 0) throw new ValidationError(`config.dataset: "${ref}" selects 0 clips`, { 'config.dataset': `"${ref}" selects 0 clips` });
    return row;
  }
  const known = (await db.dataset.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((d) => d.name);
  const suggestion = suggestKey(name, known);
  const message = known.length
    ? `unknown dataset "${name}"${suggestion ? ` — did you mean ${suggestion}?` : ''} (known: ${known.join(', ')}; "<name>:<N>" takes the first N clips)`
    : `unknown dataset "${name}": the server has no datasets (run the seed: npm run db:seed)`;
  throw new ValidationError(`config.dataset: ${message}`, { 'config.dataset': message });
}

/**
 * Benchmarks a training run on `dataset` would train on (its test data), and the warning to show.
 * Evaluation runs are not training, so they are never flagged.
 */
export function benchmarkTrainingWarning(kind: RunKind, dataset: LaunchDataset): { benchmarks: string[]; warning: string } | null {
  if (kind !== 'grpo' && kind !== 'sft') return null;
  if (dataset.kind !== 'benchmark') return null;
  const benchmarks = dataset.benchmarks.length ? dataset.benchmarks : [dataset.name];
  return {
    benchmarks,
    warning: `config.dataset: "${dataset.name}" is the evaluation benchmark ${benchmarks.join(', ')} — this run trains on test data, so its scores on ${benchmarks.join(', ')} are not comparable with the paper's; the run is marked "trained on test set"`,
  };
}
