/**
 * `videocap import <dir>`: create a run on the server from an ms-swift / TRL / verl output folder.
 *
 * The folder is read first; a folder that is not the format asked for, or holds nothing importable, is an error
 * and no run is created. Then the run is created and everything is uploaded; the report says what the server
 * stored (its own counts), what was not imported or not stored and why, and which lines could not be read.
 * A run whose upload gives up (server unreachable past the deadline, every item refused, interrupted) is
 * marked failed with the reason; the server's lost-contact check covers an importer that dies silently.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeRejected } from '../../core/ingest';
import { BufferedReporter } from '../importers/common';
import { checkImportFormat, detectImportFormat, importRunDirectory, type ImportResult } from '../importers';
import { serverClientFromEnv, type IngestReporter, type ServerClient } from '../server-client';

const USAGE = `usage: videocap import <dir> [--format swift|trl|verl] [--num-generations G] [--name NAME] [--experiment NAME] [--kind grpo|sft]

Creates a run from existing training output and uploads its metrics, rollouts and checkpoints:
  swift  an ms-swift output folder (logging.jsonl, completions.jsonl, checkpoint-*; v<N>-<date>-<time>/
         subfolders are launches of one run: where a resumed launch overlaps, the later one is kept)
  trl    a TRL GRPOTrainer output folder (completions/*.parquet, trainer_state.json)
  verl   verl rollout dumps (trainer.rollout_data_dir: <step>.jsonl) and its file logger's JSONL
--num-generations G  the group size (num_generations) when the output does not record it (TRL, verl) or to
                     override args.json; it is checked against the prompt column.
Unreadable lines are reported with file and line number and skipped; records that are not imported are
listed with the reason; the final counts are what the server stored.
Server: $VIDEOCAP_SERVER_URL (default http://127.0.0.1:3000) with $VIDEOCAP_API_TOKEN (your personal API
token; the run records you as its creator) or, when it is not set, $VIDEOCAP_RUNNER_TOKEN.`;

/** How long the upload keeps retrying an unreachable server before the import gives up. */
const UPLOAD_DEADLINE_MS = Number(process.env.VIDEOCAP_IMPORT_DEADLINE_MS ?? 10 * 60_000);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One paragraph for the run's transition reason (bounded: the reason column is for people). */
function reasonText(format: string, stored: IngestReporter['stored'], result: ImportResult, rejected: IngestReporter['rejected']): string {
  const parts = [`imported ${plural(stored.metrics, 'metric point')}, ${plural(stored.rollouts, 'rollout')}, ${plural(stored.checkpoints, 'checkpoint')} from ${format} output`];
  if (result.errors.length) parts.push(`${plural(result.errors.length, 'unreadable line')} skipped (${result.errors.slice(0, 3).map((e) => `${e.file}:${e.line}: ${e.message}`).join('; ')}${result.errors.length > 3 ? '; …' : ''})`);
  for (const n of result.notImported.slice(0, 8)) parts.push(`${n.count} ${n.kind} not imported from ${n.where}: ${n.reason}`);
  if (result.notImported.length > 8) parts.push(`… ${result.notImported.length - 8} more reasons`);
  if (rejected.length) parts.push(`${rejected.length} items refused by the server: ${describeRejected(rejected, 5)}`);
  for (const w of result.warnings.slice(0, 5)) parts.push(`warning: ${w}`);
  return parts.join('; ').slice(0, 19_000);
}

export async function runImportCommand(argv: string[]): Promise<number> {
  let values: { name?: string; format?: string; experiment?: string; kind?: string; 'num-generations'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        format: { type: 'string' },
        experiment: { type: 'string' },
        kind: { type: 'string', default: 'grpo' },
        'num-generations': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`videocap import: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
    return 2;
  }
  const dir = positionals[0];
  if (values.help || !dir) {
    (values.help ? console.log : console.error)(values.help ? USAGE : `videocap import: the output folder to import is missing\n\n${USAGE}`);
    return values.help ? 0 : 2;
  }
  let numGenerations: number | undefined;
  if (values['num-generations'] !== undefined) {
    const g = Number(values['num-generations']);
    if (!Number.isInteger(g) || g < 1) {
      console.error(`videocap import: --num-generations must be a whole number ≥ 1 (got "${values['num-generations']}")`);
      return 2;
    }
    numGenerations = g;
  }
  if (values.kind !== 'grpo' && values.kind !== 'sft') {
    console.error(`videocap import: --kind must be grpo or sft (got "${values.kind}")`);
    return 2;
  }
  const abs = path.resolve(dir);

  // 1. Read the folder. Nothing exists on the server yet, so a wrong folder leaves no empty run behind.
  let format;
  let result: ImportResult;
  const buffer = new BufferedReporter();
  try {
    format = values.format !== undefined ? await checkImportFormat(abs, values.format) : await detectImportFormat(abs);
    result = await importRunDirectory(abs, buffer, { format, numGenerations });
  } catch (e) {
    console.error(`cannot import ${abs}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  for (const err of result.errors) console.error(`${err.file}:${err.line}: ${err.message} (skipped)`);
  for (const n of result.notImported) console.error(`${n.where}: ${n.count} ${n.kind} not imported: ${n.reason}`);
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if (result.metrics + result.rollouts + result.checkpoints === 0) {
    console.error(
      `cannot import ${abs}: nothing importable in this ${format} output (${plural(result.errors.length, 'unreadable line')}, ` +
        `${result.notImported.reduce((a, n) => a + n.count, 0)} records not imported, see above); no run was created`,
    );
    return 1;
  }

  // 2. Create the run and upload.
  let client: ServerClient;
  try {
    client = serverClientFromEnv();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 2;
  }
  try {
    // Unreachable server or refused token: said within seconds, before anything is created.
    await client.preflight();
  } catch (e) {
    console.error(`videocap import: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let id: string;
  try {
    ({ id } = await client.createRun({
      name: values.name ?? `${path.basename(abs)} (${format} import)`,
      kind: values.kind,
      backend: 'import',
      experiment: values.experiment,
      source: { format, path: abs, ...(numGenerations !== undefined ? { numGenerations } : {}) },
      status: 'running',
      ...(result.progress?.maxSteps ? { maxSteps: result.progress.maxSteps } : {}),
    }));
  } catch (e) {
    console.error(`cannot import ${abs}: the server did not create the run: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const reporter = client.reporter(id, { onDeliveryError: (m) => console.error(m) });
  const fail = async (reason: string): Promise<void> => {
    await client.transition(id, { to: 'failed', reason }).catch((e: unknown) => {
      console.error(`could not mark run ${id} failed (${e instanceof Error ? e.message : String(e)}); the server marks it failed once it stops hearing from this import`);
    });
  };
  let interrupted: string | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130);
    interrupted = signal;
    console.error(`${signal}: stopping the import and marking run ${id} failed`);
    void fail(`import failed: interrupted (${signal}) after ${reporter.stored.metrics} metric points, ${reporter.stored.rollouts} rollouts`).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await buffer.replay(reporter);
    if (result.progress) reporter.setProgress(result.progress.step, result.progress.maxSteps ?? 0);
    await reporter.close(UPLOAD_DEADLINE_MS);
  } catch (e) {
    await reporter.close(0).catch(() => undefined);
    const reason = `import failed: ${e instanceof Error ? e.message : String(e)} (stored so far: ${reporter.stored.metrics} metric points, ${reporter.stored.rollouts} rollouts, ${reporter.stored.checkpoints} checkpoints)`;
    await fail(reason);
    console.error(reason);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const stored = reporter.stored;
  const rejected = reporter.rejected;
  for (const r of rejected) console.error(`not stored: ${r.what}: ${r.field}: ${r.message}`);
  const summary = {
    runId: id,
    format,
    metrics: stored.metrics,
    rollouts: stored.rollouts,
    checkpoints: stored.checkpoints,
    skipped: result.errors.length,
    notImported: result.notImported,
    rejected: rejected.map((r) => ({ what: r.what, field: r.field, message: r.message })),
    sanitized: reporter.sanitized.length,
    warnings: result.warnings,
    progress: result.progress,
  };
  const runSummary: Record<string, number | string> = {
    import_format: format,
    imported_metric_points: stored.metrics,
    imported_rollouts: stored.rollouts,
    imported_checkpoints: stored.checkpoints,
    unreadable_lines: result.errors.length,
    not_imported_metric_points: result.notImported.filter((n) => n.kind === 'metrics').reduce((a, n) => a + n.count, 0),
    not_imported_rollouts: result.notImported.filter((n) => n.kind === 'rollouts').reduce((a, n) => a + n.count, 0),
    refused_by_server: rejected.length,
  };
  if (stored.metrics + stored.rollouts + stored.checkpoints === 0) {
    const reason = `import failed: the server stored nothing — ${reasonText(format, stored, result, rejected)}`;
    await fail(reason);
    console.error(reason);
    console.log(JSON.stringify(summary));
    return 1;
  }
  try {
    await client.transition(id, { to: 'succeeded', reason: reasonText(format, stored, result, rejected), summary: runSummary });
  } catch (e) {
    console.error(`the upload finished but run ${id} could not be marked succeeded: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  console.log(JSON.stringify(summary));
  return 0;
}
