/** `videocap import <dir>`: create a run on the server from an ms-swift / TRL / verl output folder. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serverClientFromEnv } from '../server-client';
import { detectImportFormat, importRunDirectory } from '../importers';

export async function runImportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      format: { type: 'string' },
      experiment: { type: 'string' },
      kind: { type: 'string', default: 'grpo' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dir = positionals[0];
  if (values.help || !dir) {
    console.log(`usage: videocap import <dir> [--format swift|trl|verl] [--name NAME] [--experiment NAME] [--kind grpo|sft]

Creates a run from existing training output and uploads its metrics, rollouts and checkpoints:
  swift  an ms-swift output folder (logging.jsonl, completions.jsonl, checkpoint-*)
  trl    a TRL GRPOTrainer output folder (completions/*.parquet, trainer_state.json)
  verl   verl rollout dumps (trainer.rollout_data_dir: <step>.jsonl)
Malformed lines are reported with file and line number and skipped; the rest imports.
Server: $VIDEOCAP_SERVER_URL (default http://127.0.0.1:3000) with $VIDEOCAP_RUNNER_TOKEN.`);
    return values.help ? 0 : 2;
  }
  const abs = path.resolve(dir);
  let format: string;
  try {
    format = values.format ?? (await detectImportFormat(abs));
  } catch (e) {
    console.error(`cannot import ${abs}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  let client;
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
  const kind = values.kind === 'sft' ? 'sft' : 'grpo';
  const { id } = await client.createRun({
    name: values.name ?? `${path.basename(abs)} (${format} import)`,
    kind,
    backend: 'import',
    experiment: values.experiment,
    source: { format, path: abs },
    status: 'running',
  });
  const reporter = client.reporter(id, { onDeliveryError: (m) => console.error(m) });
  try {
    const result = await importRunDirectory(abs, reporter, { format: format as never });
    await reporter.close();
    for (const err of result.errors) console.error(`${err.file}:${err.line}: ${err.message} (skipped)`);
    await client.transition(id, {
      to: 'succeeded',
      reason: `imported ${result.metrics} metric points, ${result.rollouts} rollouts, ${result.checkpoints} checkpoints from ${format} output${result.errors.length ? `; ${result.errors.length} malformed lines skipped` : ''}`,
    });
    console.log(JSON.stringify({ runId: id, format, metrics: result.metrics, rollouts: result.rollouts, checkpoints: result.checkpoints, skipped: result.errors.length }));
    return 0;
  } catch (e) {
    await reporter.close().catch(() => undefined);
    const reason = `import failed: ${e instanceof Error ? e.message : String(e)}`;
    await client.transition(id, { to: 'failed', reason }).catch(() => undefined);
    console.error(reason);
    return 1;
  }
}
