/**
 * `videocap eval`: score a predictions file on DREAM-1K (AutoDQ), VDC (VDCSCORE) or CAREBENCH with the
 * same code as the runner's eval jobs (gpu-runner/eval/).
 *
 *   videocap eval dream1k|vdc|carebench --predictions FILE [--annotations FILE]
 *        [--subset detailed|main_object] [--model NAME] [--samples-out FILE] [--concurrency N] [--server URL]
 *
 * Judge: JUDGE_BASE_URL / JUDGE_MODEL / JUDGE_API_KEY (OpenAI-compatible), else the offline lexical
 * judge (named as such in the output). Prints one summary JSON on stdout (per model of the file: per
 * subset and overall P/R/F1, or accuracy/score; failed and missing clips; the judge identity); progress
 * goes to stderr. A multi-model file's reference entry ("Human") is skipped unless --model names it
 * (core/eval/predictions.ts isBenchmarkReference, the rule of import-captions). --server stores each
 * model's result as an imported evaluation run through the ingest API with VIDEOCAP_API_TOKEN (owner
 * recorded) or else VIDEOCAP_RUNNER_TOKEN; a run with no scored clip is stored as failed
 * (core/eval/outcome.ts). Exit 0 unless a file cannot be read or holds no model's captions (1) or the
 * options are invalid (2).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DREAM1K_PROMPT_VERSION } from '../../core/eval/dream1k';
import { VDC_PROMPT_VERSION, VDC_QA_SETS, type VdcQaSet } from '../../core/eval/vdc';
import { CAREBENCH_PROMPT_VERSION } from '../../core/eval/carebench';
import { summaryResultRows, type BenchmarkId, type CaptionProvenance, type EvalProgress, type EvalResultRecord, type EvalSampleRecord } from '../../core/eval/types';
import { parsePredictions, PredictionsFileError, referenceSkippedMessage, resolveCarebenchId, resolveDream1kId, resolveVdcId, withoutReferenceSources, type PredictionsReport } from '../../core/eval/predictions';
import { evalOutcome } from '../../core/eval/outcome';
import { ProviderConfigError } from '../providers/env';
import { JudgeClient } from '../providers/judge-client';
import { buildTasks, evaluate, type BenchmarkTask } from '../eval/run-eval';
import { judgeConfigFromEnv, judgeForConfig, judgeIdentity, judgeRetryText } from '../eval/judge-setup';
import { ServerJudgeStore } from '../eval/judge-store';
import { serverClientFromEnv, type ServerClient } from '../server-client';
import { CAREBENCH_SAMPLE_LABEL, DEFAULT_CAREBENCH_PATH } from '../datasets/carebench';

export const EVAL_USAGE = `usage: videocap eval dream1k|vdc|carebench --predictions FILE [options]

Scores captions with the official metric of the benchmark (DREAM-1K AutoDQ event F1, VDC VDCSCORE,
CAREBENCH action/object F1) and prints a summary JSON on stdout.

options:
  --predictions FILE    JSONL {"id"|"vid"|"video_id", "caption"}, the multi-model layout
                        {"idx", "descriptions": {"<model>": "<caption>"}} (one result per model), or an
                        lmms-eval samples file ({"doc": {...}, "resps": [["<caption>"]]}, list or lines)
  --annotations FILE    benchmark annotations instead of the shipped ones (DREAM-1K JSONL, a VDC QA
                        JSONL, CAREBENCH metadata.json)
  --subset SET          VDC question set: detailed (default, the paper's) or main_object
  --model NAME          evaluate only this model of a multi-model file (or: name to record)
  --samples-out FILE    write one JSON line per clip (verdicts, reasons, extracted events, failures)
  --concurrency N       judge requests in flight (default $JUDGE_CONCURRENCY or 8)
  --server URL          also store the result on the server as an imported evaluation (needs
                        VIDEOCAP_API_TOKEN, your personal API token: the run records you as its
                        creator; else VIDEOCAP_RUNNER_TOKEN); judge replies are then cached in its database

A multi-model file's reference entry ("Human") is the benchmark's reference, not a model: it is skipped
unless asked for with --model.
Progress lines on stderr count each model's own judge calls; "judgeCalls" in the summary is the total.

environment:
  JUDGE_BASE_URL, JUDGE_MODEL, JUDGE_API_KEY, JUDGE_TEMPERATURE (default 0)   OpenAI-compatible judge;
  unset: the offline lexical judge (an approximation; its numbers are not comparable with published ones)`;

const BENCHMARK_ALIASES: Record<string, BenchmarkId> = { dream1k: 'dream-1k', 'dream-1k': 'dream-1k', vdc: 'vdc', carebench: 'carebench' };

class UsageError extends Error {}
class FileReadError extends Error {}

function promptVersionOf(b: BenchmarkId): string {
  return b === 'dream-1k' ? DREAM1K_PROMPT_VERSION : b === 'vdc' ? VDC_PROMPT_VERSION : CAREBENCH_PROMPT_VERSION;
}

interface Args {
  benchmark: BenchmarkId;
  predictions: string;
  annotations: string | null;
  subset: VdcQaSet;
  model: string | null;
  samplesOut: string | null;
  concurrency: number | null;
  server: string | null;
}

function parseCli(argv: string[]): Args | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        predictions: { type: 'string' },
        annotations: { type: 'string' },
        subset: { type: 'string' },
        model: { type: 'string' },
        'samples-out': { type: 'string' },
        concurrency: { type: 'string' },
        server: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`expected one benchmark (dream1k, vdc or carebench), got ${positionals.length ? positionals.join(' ') : 'none'}`);
  const benchmark = BENCHMARK_ALIASES[positionals[0].toLowerCase()];
  if (!benchmark) throw new UsageError(`unknown benchmark "${positionals[0]}" (dream1k, vdc or carebench)`);
  if (!values.predictions) throw new UsageError('--predictions FILE is required');
  const subset = (values.subset ?? 'detailed') as VdcQaSet;
  if (!(VDC_QA_SETS as readonly string[]).includes(subset)) throw new UsageError(`--subset: "${values.subset}" must be detailed or main_object`);
  if (values.subset && benchmark !== 'vdc') throw new UsageError('--subset applies to vdc only');
  let concurrency: number | null = null;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new UsageError(`--concurrency: "${values.concurrency}" must be an integer in [1, 1024]`);
  }
  return {
    benchmark,
    predictions: values.predictions,
    annotations: values.annotations ?? null,
    subset,
    model: values.model ?? null,
    samplesOut: values['samples-out'] ?? null,
    concurrency,
    server: values.server ?? null,
  };
}

function resolverFor(b: BenchmarkId): (raw: string) => string | null {
  return b === 'dream-1k' ? resolveDream1kId : b === 'vdc' ? resolveVdcId : resolveCarebenchId;
}

function annotationsLabel(args: Args): string {
  if (args.annotations) return args.annotations;
  if (args.benchmark === 'dream-1k') return 'data/dream-1k/DREAM-1k.jsonl (bytedance/tarsier @ 63de87a)';
  if (args.benchmark === 'vdc') return `data/vdc/${args.subset}.jsonl (rese1f/aurora @ 2bf68d5)`;
  return `${DEFAULT_CAREBENCH_PATH}: ${CAREBENCH_SAMPLE_LABEL}`;
}

function log(msg: string): void {
  process.stderr.write(`[videocap eval] ${msg}\n`);
}

export async function runEvalCommand(argv: string[]): Promise<number> {
  let args: Args;
  try {
    const a = parseCli(argv);
    if (a === 'help') {
      console.log(EVAL_USAGE);
      return 0;
    }
    args = a;
  } catch (e) {
    console.error(`videocap eval: ${e instanceof Error ? e.message : String(e)}\n\n${EVAL_USAGE}`);
    return 2;
  }

  let task: BenchmarkTask;
  let text: string;
  try {
    try {
      [task] = buildTasks({
        benchmarks: [args.benchmark],
        vdcQaSets: [args.subset],
        annotations: args.annotations
          ? { dream1k: args.annotations, vdc: { [args.subset]: args.annotations }, carebench: args.annotations }
          : undefined,
      });
    } catch (e) {
      throw new FileReadError(e instanceof Error ? e.message : String(e));
    }
    try {
      text = readFileSync(args.predictions, 'utf8');
    } catch (e) {
      throw new FileReadError(`cannot read --predictions ${args.predictions}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } catch (e) {
    console.error(`videocap eval: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }

  let parsed: ReturnType<typeof parsePredictions>;
  try {
    parsed = parsePredictions(text, { resolveId: resolverFor(args.benchmark), clipIds: task.items.map((i) => i.clipId), model: args.model });
  } catch (e) {
    if (e instanceof PredictionsFileError) {
      console.error(`videocap eval: ${args.predictions}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  // The benchmark's reference ("Human") is not a model: skipped, as import-captions does (unless --model names it).
  const kept = withoutReferenceSources(parsed, args.model);
  if (kept.skippedModels.length) log(referenceSkippedMessage(kept.skippedModels));
  if (kept.sources.length === 0) {
    console.error(`videocap eval: ${args.predictions}: only the benchmark's reference (${kept.skippedModels.join(', ')}) is in the file, no model's captions`);
    return 1;
  }

  const concurrency = args.concurrency ?? Number(process.env.JUDGE_CONCURRENCY ?? 8);
  let judgeCfg;
  try {
    judgeCfg = judgeConfigFromEnv(process.env);
  } catch (e) {
    console.error(`videocap eval: ${e instanceof ProviderConfigError ? e.message : String(e)}`);
    return 2;
  }
  const judge = judgeForConfig(judgeCfg, concurrency, process.env);
  const identity = judgeIdentity(judge, promptVersionOf(args.benchmark));
  let server: ServerClient | null = null;
  if (args.server) {
    try {
      server = serverClientFromEnv(process.env, args.server);
    } catch (e) {
      console.error(`videocap eval: --server: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  }
  const store = server && judge.kind !== 'lexical' ? new ServerJudgeStore(server) : null;
  const client = new JudgeClient(judge, { attempts: Number(process.env.JUDGE_REPLY_ATTEMPTS ?? 3), store });
  log(`${task.label}: ${task.items.length} clips in the annotations; judge ${identity.kind}:${identity.model}${identity.endpoint ? ` @ ${identity.endpoint}` : ''}; ${judgeRetryText(judge, client.attempts, process.env)}; ${kept.sources.length} caption source(s) in ${args.predictions} (${parsed.report.format})`);

  const results: Record<string, unknown>[] = [];
  const allSamples: (EvalSampleRecord & { model: string | null })[] = [];
  for (let i = 0; i < kept.sources.length; i++) {
    const source = kept.sources[i];
    const report = kept.reports[i];
    let finalProgress: EvalProgress | null = null;
    const samples = await evaluate({
      tasks: [task],
      predictions: source.captions,
      client,
      concurrency,
      // This model's own judge calls (evaluate counts from its start); the summary's judgeCalls is the total.
      onProgress: (p) => {
        finalProgress = p;
        log(`${source.model ?? 'predictions'}: ${p.clipsDone}/${p.clipsTotal} clips, ${p.clipsFailed} failed, judge calls ${p.callsMade} made / ${p.callsCached} cached / ~${p.callsLeft} left${p.etaSeconds !== null ? `, ETA ${Math.round(p.etaSeconds)} s` : ''}`);
      },
      progressIntervalMs: 2000,
    });
    const outcome = evalOutcome(samples, report.missing.count);
    if (outcome.failed > 0) log(`${source.model ?? 'predictions'}: ${outcome.message}`);
    const summary = task.summarize(samples);
    const failedClips = samples.filter((s) => s.failed).map((s) => ({ clipId: s.clipId, reason: s.failureReason }));
    const { benchmark: _b, ...numbers } = summary;
    results.push({
      model: source.model,
      ...numbers,
      clips: {
        evaluated: samples.length - failedClips.length,
        failed: failedClips.length,
        failedClips: failedClips.slice(0, 20),
        missing: report.missing,
        unknownIds: report.unknownIds,
        duplicates: report.duplicates,
        emptyCaptions: report.emptyCaptions,
        errorCaptions: report.errorCaptions,
      },
    });
    for (const s of samples) allSamples.push({ ...s, model: source.model });
    if (server) {
      try {
        const id = await storeImportedEvaluation(server, { args, task, summaryRows: summaryResultRows(summary), samples, model: source.model, identity, report: parsed.report, progress: finalProgress, outcome });
        log(`stored on ${args.server} as run ${id}${outcome.runFailed ? ' (failed: no clip was scored)' : ''}`);
        results[results.length - 1].serverRunId = id;
      } catch (e) {
        log(`could not store the result on ${args.server}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  await store?.flush();

  if (args.samplesOut) {
    try {
      await writeFile(args.samplesOut, allSamples.map((s) => JSON.stringify(s)).join('\n') + (allSamples.length ? '\n' : ''));
    } catch (e) {
      console.error(`videocap eval: cannot write --samples-out ${args.samplesOut}: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
  }

  const out = {
    benchmark: task.label,
    units: task.benchmark === 'vdc' ? 'accuracy in [0, 1] (the paper prints ×100), score on 0–5' : 'recall / precision / f1 in [0, 1] (the paper prints ×100)',
    annotations: annotationsLabel(args),
    predictions: { file: args.predictions, format: parsed.report.format, records: parsed.report.records, malformed: parsed.report.malformed },
    judge: { ...identity, note: identity.kind === 'lexical' ? 'offline lexical judge: an approximation, not comparable with published numbers' : undefined },
    /** Totals over every model of the file (the progress lines count each model's own). */
    judgeCalls: { ...client.counters },
    results,
  };
  console.log(JSON.stringify(out, null, 2));
  return 0;
}

/**
 * Stores one source's result as an imported evaluation run (ingest API; with a personal API token the
 * server records its owner as the creator): its samples, result rows and progress (clips done / total
 * and judge calls, like a runner's eval job), then the end state of core/eval/outcome.ts — failed when
 * no clip was scored (the reason names the most common error), else succeeded (saying how many clips
 * failed and why). Resolves with the run id; rejects with the server's message.
 */
async function storeImportedEvaluation(
  server: ServerClient,
  input: {
    args: Args;
    task: BenchmarkTask;
    summaryRows: ReturnType<typeof summaryResultRows>;
    samples: EvalSampleRecord[];
    model: string | null;
    identity: ReturnType<typeof judgeIdentity>;
    report: PredictionsReport;
    progress: EvalProgress | null;
    outcome: ReturnType<typeof evalOutcome>;
  },
): Promise<string> {
  const { args, task, model, identity } = input;
  const provenance: CaptionProvenance = {
    method: 'imported',
    model,
    checkpoint: null,
    prompt: null,
    frames: null,
    temperature: null,
    simulated: false,
    file: args.predictions,
    notes: 'stored by `videocap eval --server`; how the captions were generated is not recorded in the file',
  };
  const { id } = await server.createRun({
    name: `eval ${task.label}: ${model ?? args.predictions}`,
    kind: 'eval',
    backend: 'import',
    status: 'running',
    config: { cli: 'videocap eval', benchmark: task.benchmark, subset: task.qaSet, predictions: args.predictions, annotations: args.annotations, model, judge: identity },
    source: { format: 'videocap eval', path: args.predictions },
  });
  const rows: EvalResultRecord[] = input.summaryRows.map((r) => ({
    ...r,
    origin: 'imported',
    simulated: false,
    modelName: model,
    checkpointId: null,
    judge: identity,
    provenance,
  }));
  for (let i = 0; i < input.samples.length; i += 500) {
    await server.withRetry(() => server.sendBatch(id, { evalSamples: input.samples.slice(i, i + 500) }));
  }
  const n = input.samples.length;
  const progress: EvalProgress = input.progress ?? { clipsTotal: n, clipsDone: n, clipsFailed: input.outcome.failed, callsMade: 0, callsCached: 0, callsLeft: 0, etaSeconds: 0, stage: task.label };
  await server.withRetry(() => server.sendBatch(id, { evalResults: rows, evalProgress: progress, progress: { step: progress.clipsDone, maxSteps: progress.clipsTotal } }));
  const summary: Record<string, number | string> = { clips: n, failed_clips: input.outcome.failed, judge_calls_made: progress.callsMade, judge_calls_cached: progress.callsCached };
  if (input.outcome.topFailure) summary.most_common_failure = `${input.outcome.topFailure.reason} (${input.outcome.topFailure.clips} clips)`;
  if (input.outcome.runFailed) {
    await server.transition(id, { to: 'failed', reason: input.outcome.message, summary });
  } else {
    const base = `imported evaluation of ${n} clips`;
    await server.transition(id, { to: 'succeeded', reason: input.outcome.failed > 0 ? `${base}; ${input.outcome.message.replace(/^finished; /, '')}` : base, summary });
  }
  return id;
}
