/**
 * An evaluation run on a runner (`Run.kind = "eval"`):
 *  1. reads its config and inputs from the server (imported captions, or the checkpoint to caption);
 *  2. skips the clips the server already has (a runner that died mid-way left them): they are not
 *     judged again, and judge replies of unfinished clips come back from the PostgreSQL judge cache;
 *  3. generates captions for a checkpoint with the evaluated run's backend (local: simulated from the
 *     annotations; swift: `swift infer`);
 *  4. scores every remaining clip (gpu-runner/eval/run-eval.ts), sending each clip's record, progress
 *     (clips done / failed, judge calls made / cached / left, ETA) and finally the result rows;
 *  5. ends failed when no clip was scored (core/eval/outcome.ts: the reason names the most common
 *     per-clip error and how many clips it hit); a partial failure succeeds with a message saying so.
 */
import path from 'node:path';
import { z } from 'zod';
import { evalConfigSchema, type EvalConfig } from '../../core/eval/config';
import { CAREBENCH_PROMPT_VERSION } from '../../core/eval/carebench';
import { DREAM1K_PROMPT_VERSION } from '../../core/eval/dream1k';
import { summaryResultRows, type BenchmarkId, type CaptionProvenance, type EvalResultRecord, type EvalSampleRecord } from '../../core/eval/types';
import { VDC_PROMPT_VERSION } from '../../core/eval/vdc';
import { evalOutcome } from '../../core/eval/outcome';
import { runConfigSchema } from '../../core/run-config';
import type { ClipRecord } from '../../core/types';
import { JudgeClient } from '../providers/judge-client';
import type { Backend, JobResult } from '../report';
import type { IngestReporter, RunForRunner, ServerClient } from '../server-client';
import { loadDream1k } from '../datasets/dream1k';
import { loadVdc } from '../datasets/vdc';
import { loadCarebench } from '../datasets/carebench';
import { judgeForConfig, judgeIdentity, judgeRetryText } from './judge-setup';
import { ServerJudgeStore } from './judge-store';
import { buildTasks, evaluate, sampleKey, type BenchmarkTask } from './run-eval';

const PROMPT_VERSIONS: Record<BenchmarkId, string> = { 'dream-1k': DREAM1K_PROMPT_VERSION, vdc: VDC_PROMPT_VERSION, carebench: CAREBENCH_PROMPT_VERSION };

const evalInputsSchema = z.object({
  config: z.unknown(),
  captions: z.array(z.object({ clipId: z.string(), text: z.string() })).nullable(),
  checkpoint: z.object({ id: z.string(), step: z.number().int(), path: z.string() }).nullable(),
  evaluatedRun: z.object({ id: z.string(), name: z.string(), kind: z.string(), backend: z.string(), config: z.unknown() }).nullable(),
});

export interface EvalJobDeps {
  run: RunForRunner;
  client: ServerClient;
  reporter: IngestReporter;
  /** The backend of the queue this job came from (generates captions for a checkpoint source). */
  backend: Backend | undefined;
  signal: AbortSignal;
  workDir: string;
  env: Record<string, string | undefined>;
  log: (msg: string) => void;
}

/** ClipRecords of the benchmarks' clips, for caption generation (videos under VIDEO_ROOT). */
function clipRecordsFor(tasks: readonly BenchmarkTask[], config: EvalConfig, env: Record<string, string | undefined>): Map<string, ClipRecord> {
  const root = env.VIDEO_ROOT;
  const out = new Map<string, ClipRecord>();
  const limit = <T>(xs: T[]) => (config.maxClips > 0 ? xs.slice(0, config.maxClips) : xs);
  const want = new Set(tasks.flatMap((t) => t.items.map((i) => i.clipId)));
  if (config.benchmarks.includes('dream-1k')) {
    // The think annotation is derived by the caption generator (local) only for the clips it captions.
    for (const c of limit(loadDream1k({ think: false }))) out.set(c.id, { ...c, think: null, videoPath: root ? path.join(root, `${c.vid}.mp4`) : null });
  }
  if (config.benchmarks.includes('vdc')) {
    for (const q of config.vdcQaSets) {
      for (const c of limit(loadVdc(q))) {
        if (out.has(c.id)) continue;
        // VDC ships no reference captions: the simulated (local) captions are built from the correct answers.
        out.set(c.id, { id: c.id, referenceCaption: c.qas.map((x) => x.answer.replace(/\.?$/, '.')).join(' '), events: [], think: null, videoPath: root ? path.join(root, 'vdc', `${c.videoId}.mp4`) : null });
      }
    }
  }
  if (config.benchmarks.includes('carebench')) {
    for (const c of limit(loadCarebench())) out.set(c.id, { id: c.id, referenceCaption: c.reference, events: c.events ?? [], think: null, videoPath: root ? path.join(root, 'carebench', c.video) : null });
  }
  for (const id of [...out.keys()]) if (!want.has(id)) out.delete(id);
  return out;
}

export async function runEvalJob(deps: EvalJobDeps): Promise<JobResult> {
  const { run, client, reporter } = deps;
  const inputs = evalInputsSchema.parse(await client.getEvalInputs(run.id));
  const parsed = evalConfigSchema.safeParse(inputs.config);
  if (!parsed.success) throw new Error(`stored eval config is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  const tasks = buildTasks({ benchmarks: config.benchmarks, vdcQaSets: config.vdcQaSets, maxClips: config.maxClips });

  const previous = (await client.getEvalSamples(run.id)).samples;
  const done = new Set(previous.map(sampleKey));
  const totalItems = tasks.reduce((a, t) => a + t.items.length, 0);
  const remainingClipIds = new Set(tasks.flatMap((t) => t.items.filter((i) => !done.has(sampleKey({ benchmark: t.benchmark, subset: i.subset, clipId: i.clipId }))).map((i) => i.clipId)));
  if (previous.length > 0) await reporter.log([`resuming: ${previous.length} clips were already evaluated (not judged again); ${remainingClipIds.size} clips left`]);

  // Captions
  let predictions: Map<string, string>;
  let provenance: CaptionProvenance;
  let modelName: string;
  let checkpointId: string | null = null;
  const skipped: { clipId: string; reason: string }[] = [];
  if (config.source.kind === 'imported') {
    predictions = new Map((inputs.captions ?? []).map((c) => [c.clipId, c.text]));
    const g = config.source.generation;
    provenance = {
      method: 'imported',
      model: config.source.model,
      checkpoint: null,
      prompt: g.prompt,
      frames: g.maxFrames !== null ? { maxFrames: g.maxFrames, maxPixels: null } : null,
      temperature: g.temperature,
      simulated: false,
      file: config.source.fileName,
      notes: g.notes,
    };
    modelName = config.source.model;
  } else {
    if (!inputs.checkpoint || !inputs.evaluatedRun) throw new Error(`checkpoint ${config.source.checkpointId} of run ${config.source.runId} is gone`);
    if (!deps.backend?.generateCaptions) throw new Error(`this runner's "${run.backend}" backend cannot generate captions`);
    const trainedConfig = runConfigSchema.parse(inputs.evaluatedRun.config);
    const kind = inputs.evaluatedRun.kind === 'sft' ? 'sft' : 'grpo';
    const clips = [...clipRecordsFor(tasks, config, deps.env).values()].filter((c) => remainingClipIds.has(c.id));
    await reporter.log([`generating captions for ${clips.length} clips with the ${run.backend} backend from checkpoint ${inputs.checkpoint.path} (step ${inputs.checkpoint.step}) of run "${inputs.evaluatedRun.name}"`]);
    const generated = await deps.backend.generateCaptions({
      runId: run.id,
      clips,
      checkpoint: inputs.checkpoint,
      trained: { runId: inputs.evaluatedRun.id, kind, config: trainedConfig },
      temperature: config.source.temperature,
      maxNewTokens: config.source.maxNewTokens,
      workDir: deps.workDir,
      signal: deps.signal,
      log: (lines) => reporter.log(lines),
    });
    predictions = generated.captions;
    provenance = generated.provenance;
    skipped.push(...generated.skipped);
    checkpointId = inputs.checkpoint.id;
    modelName = `${inputs.evaluatedRun.name} @ step ${inputs.checkpoint.step}${provenance.simulated ? ' (simulated captions)' : ''}`;
  }
  const missing = [...remainingClipIds].filter((id) => !predictions.has(id));
  if (missing.length > 0) {
    await reporter.log([`${missing.length} clips have no caption and are not evaluated (listed, never scored 0): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}${skipped.length ? `; e.g. ${skipped[0].clipId}: ${skipped[0].reason}` : ''}`]);
  }

  // Judge
  const judge = judgeForConfig(config.judge, config.concurrency, deps.env);
  const store = judge.kind === 'lexical' ? null : new ServerJudgeStore(client);
  const jc = new JudgeClient(judge, { attempts: config.attempts, store });
  await reporter.log([
    `judge: ${judge.kind === 'lexical' ? 'offline lexical judge (an approximation, not comparable with published numbers)' : `${judge.model} @ ${judge.endpoint} (temperature ${judge.temperature}, persistent PostgreSQL cache)`}; concurrency ${config.concurrency}; ${judgeRetryText(judge, config.attempts, deps.env)}`,
  ]);

  const newSamples = await evaluate({
    tasks,
    predictions,
    client: jc,
    concurrency: config.concurrency,
    done,
    signal: deps.signal,
    onSample: (s) => reporter.evalSamples([s]),
    onProgress: (p) => {
      reporter.setEvalProgress(p);
      reporter.setProgress(p.clipsDone, p.clipsTotal);
    },
    progressIntervalMs: 1000,
  });
  await store?.flush();
  if (deps.signal.aborted) throw new Error('evaluation cancelled');

  // Results: everything stored before (other runners) plus this runner's clips.
  const all: (Pick<EvalSampleRecord, 'benchmark' | 'subset' | 'clipId' | 'failed' | 'scores'> & { failureReason?: string | null })[] = [
    ...previous,
    ...newSamples.filter((s) => !done.has(sampleKey(s))),
  ];
  const rows: EvalResultRecord[] = [];
  const summary: Record<string, number | string> = { clips: all.length, failed_clips: all.filter((s) => s.failed).length, missing_clips: missing.length, of_clips: totalItems };
  for (const task of tasks) {
    const s = task.summarize(all as EvalSampleRecord[]);
    const identity = judgeIdentity(judge, PROMPT_VERSIONS[task.benchmark]);
    for (const r of summaryResultRows(s)) {
      rows.push({ ...r, origin: 'measured', simulated: provenance.simulated, modelName, checkpointId, judge: identity, provenance });
      if (r.subset === 'overall' || r.subset === task.qaSet) summary[`${task.label}/${r.metric}`] = Math.round(r.value * 1000) / 1000;
    }
  }
  await reporter.evalResults(rows);
  summary.judge = `${judge.kind}:${judge.model}`;
  summary.judge_calls_made = jc.counters.made;
  summary.judge_calls_cached = jc.counters.cached;
  if (provenance.simulated) summary.simulation = 'captions simulated by the local backend from the clip annotations (not a model)';
  // No clip scored (all failed, or none had a caption): the run fails, naming the most common error.
  const outcome = evalOutcome(all, missing.length);
  if (outcome.topFailure) summary.most_common_failure = `${outcome.topFailure.reason} (${outcome.topFailure.clips} clips)`;
  deps.log(`eval ${run.id}: ${all.length} clips, ${summary.failed_clips} failed, judge calls ${jc.counters.made} made / ${jc.counters.cached} cached`);
  if (outcome.runFailed) return { summary, failure: outcome.message };
  return { summary, ...(outcome.failed > 0 ? { message: outcome.message } : {}) };
}
