/**
 * The curate run (paper Appendix C) on a runner:
 *   input      pair the captions JSONL with the videos folder (or read an imported dataset)
 *   duration   ffprobe each video; keep minSec ≤ duration ≤ maxSec
 *   dynamicity Farneback optical flow on sampled frame pairs (worker threads, all cores); keep clips
 *              above the threshold or the top share
 *   annotation structured think by the Fig. 5 prompt through the judge, or the labelled heuristic
 *   action     the incremental action filter up to the target size
 * and a new `train` dataset of the kept clips. Every clip's fate is reported with its reason; a bad
 * clip never stops the run. Measurements (probe, flow) are stored per file and reused by later runs.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { actionFilter, actionTypesOf, filterWalkOrder } from '../../core/curation/actions';
import { pairCaptionsWithVideos, isVideoFile, type CurationCandidate, type VideoFileEntry } from '../../core/curation/captions';
import { dynamicityMethodId, type CurateConfig } from '../../core/curation/config';
import { videoFileKey, type VideoProbe } from '../../core/curation/ffprobe';
import { CURATION_STAGES, selectByDynamicity, type CurationStageName } from '../../core/curation/stats';
import type { CurationClipWire, CurationStageWire, DatasetClipWire, VideoMeasurementWire } from '../../core/curation/wire';
import type { ThinkSubject } from '../../core/types';
import type { ThinkAnnotator } from './annotate';
import type { CurationApi } from './api';
import type { DynamicityMeasurement } from './dynamicity';
import { MediaToolError, probeVideo } from './video';

export interface DynamicityMeasurer {
  measure(path: string, probe: VideoProbe, options: CurateConfig['dynamicity']['measure']): Promise<DynamicityMeasurement>;
  close(): Promise<void>;
}

export interface CurationContext {
  runId: string;
  runName: string;
  config: CurateConfig;
  api: CurationApi;
  annotator: ThinkAnnotator;
  /** Created when the dynamicity stage has clips to decode (not at all when every clip is reused). */
  createMeasurer: () => DynamicityMeasurer;
  log: (line: string) => Promise<void>;
  /** Stages finished so far (0–5) for the run's progress column. */
  progress: (stagesDone: number) => void;
  signal: AbortSignal;
}

export interface CurationSummary extends Record<string, number | string> {
  clips_in: number;
  input_errors: number;
  duration_rejected: number;
  duration_errors: number;
  dynamicity_rejected: number;
  dynamicity_errors: number;
  annotation_errors: number;
  action_rejected: number;
  kept: number;
  probed: number;
  decoded: number;
  reused_probe: number;
  reused_flow: number;
  dataset: string;
  annotator: string;
}

export class CurationCancelledError extends Error {
  override name = 'AbortError';
}

/** One clip on its way through the stages (runner memory). */
interface Clip {
  c: CurationCandidate;
  fileKey: string | null;
  path: string | null;
  probe: VideoProbe | null;
  durationSec: number | null;
  dynamicity: number | null;
  think: ThinkSubject[] | null;
  thinkSource: string | null;
  actionTypes: string[];
  reused: boolean;
  row: CurationClipWire;
}

async function listVideos(dir: string): Promise<VideoFileEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })) as string[];
  } catch (e) {
    throw new Error(`cannot read the videos folder ${dir} on this runner: ${e instanceof Error ? e.message : String(e)}`);
  }
  const files = names.filter(isVideoFile).sort();
  const out: VideoFileEntry[] = [];
  await forEachLimit(files, 32, async (rel) => {
    const abs = path.join(dir, rel);
    const s = await stat(abs).catch(() => null);
    if (s?.isFile()) out.push({ relPath: rel.split(path.sep).join('/'), absPath: abs, sizeBytes: s.size, mtimeMs: s.mtimeMs });
  });
  return out.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** Runs `fn` over `items` with at most `limit` at once, in order of start. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      if (signal?.aborted) return;
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
}

async function candidatesFor(ctx: CurationContext): Promise<CurationCandidate[]> {
  const src = ctx.config.source;
  if (src.kind === 'folder') {
    const videoDir = path.resolve(src.videoDir);
    let text: string;
    try {
      text = await readFile(path.resolve(src.captionsPath), 'utf8');
    } catch (e) {
      throw new Error(`cannot read the captions file ${src.captionsPath} on this runner: ${e instanceof Error ? e.message : String(e)}`);
    }
    const files = await listVideos(videoDir);
    await ctx.log(`input: ${files.length} video files in ${videoDir}, captions from ${src.captionsPath}`);
    return pairCaptionsWithVideos(text, files, { captionsPath: src.captionsPath, videoDir });
  }
  const { dataset, clips } = await ctx.api.datasetClips(src.dataset);
  await ctx.log(`input: ${clips.length} clips of dataset "${dataset.name}" (${dataset.kind})`);
  const out: CurationCandidate[] = [];
  await forEachLimit(clips, 32, async (clip, i) => {
    const base: CurationCandidate = { ordinal: i, externalId: clip.id, line: null, caption: clip.referenceCaption || null, think: clip.think, file: null, durationSec: clip.durationSec ?? null, problem: null, notes: [] };
    if (!clip.videoPath) {
      out[i] = { ...base, problem: `clip ${clip.id} has no video path` };
      return;
    }
    const s = await stat(clip.videoPath).catch((e: unknown) => e as Error);
    if (s instanceof Error || !s.isFile()) {
      out[i] = { ...base, problem: `caption without video — ${clip.videoPath} is not on this runner${s instanceof Error ? ` (${s.message})` : ''}` };
      return;
    }
    const file: VideoFileEntry = { relPath: path.basename(clip.videoPath), absPath: clip.videoPath, sizeBytes: s.size, mtimeMs: s.mtimeMs };
    out[i] = { ...base, file, problem: s.size === 0 ? `${clip.videoPath}: zero-length file (0 bytes)` : !base.caption ? `clip ${clip.id} has an empty caption` : null };
  });
  return out;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** Runs a curate run to its end; returns the run summary. Throws only for run-level problems (missing folder, server gone, cancel). */
export async function runCuration(ctx: CurationContext): Promise<CurationSummary> {
  const { config, api } = ctx;
  const check = () => {
    if (ctx.signal.aborted) throw new CurationCancelledError('curate run cancelled');
  };
  const stageState = new Map<CurationStageName, CurationStageWire>();
  const setStage = (stage: CurationStageName, s: Omit<CurationStageWire, 'stage'>) => stageState.set(stage, { stage, ...s });
  const dirty = new Map<number, CurationClipWire>();
  let lastFlush = Date.now();
  const flush = async (force = false, reset = false) => {
    if (!force && dirty.size < 500 && Date.now() - lastFlush < 1500) return;
    const clips = [...dirty.values()];
    dirty.clear();
    lastFlush = Date.now();
    await api.report(ctx.runId, { reset, clips, stages: [...stageState.values()] });
  };
  const update = (clip: Clip, patch: Partial<CurationClipWire>) => {
    Object.assign(clip.row, patch);
    dirty.set(clip.row.ordinal, clip.row);
  };

  // ---- input
  check();
  const candidates = await candidatesFor(ctx);
  const clips: Clip[] = candidates.map((c) => {
    const fileKey = c.file ? videoFileKey(c.file.absPath, c.file.sizeBytes, c.file.mtimeMs) : null;
    return {
      c,
      fileKey,
      path: c.file?.absPath ?? null,
      probe: null,
      durationSec: null,
      dynamicity: null,
      think: null,
      thinkSource: null,
      actionTypes: [],
      reused: false,
      row: {
        ordinal: c.ordinal,
        externalId: c.externalId,
        videoPath: c.file?.absPath ?? null,
        caption: c.caption,
        fileKey,
        sizeBytes: c.file?.sizeBytes ?? null,
        stage: c.problem ? 'input' : 'duration',
        outcome: c.problem ? 'error' : 'pending',
        reason: c.problem ?? (c.notes.length ? c.notes.join('; ') : null),
      },
    };
  });
  for (const clip of clips) dirty.set(clip.row.ordinal, clip.row);
  let alive = clips.filter((x) => x.row.outcome === 'pending');
  const inputErrors = clips.length - alive.length;
  setStage('input', { total: clips.length, done: clips.length, passed: alive.length, failed: inputErrors, note: `${inputErrors} clip(s) with bad input` });
  for (const s of CURATION_STAGES.slice(1)) setStage(s, { total: 0, done: 0, passed: 0, failed: 0, note: '' });
  setStage('duration', { total: alive.length, done: 0, passed: 0, failed: 0, note: '' });
  await flush(true, true);
  await ctx.log(`input: ${clips.length} clips, ${inputErrors} with bad input (caption without video, video without caption, zero-length file, bad line)`);
  ctx.progress(1);

  // ---- stored measurements
  const stored = new Map<string, VideoMeasurementWire>();
  for (const m of await api.lookupMeasurements([...new Set(alive.map((x) => x.fileKey!))])) stored.set(m.fileKey, m);
  const pendingPuts = new Map<string, VideoMeasurementWire>();
  const measurementOf = (clip: Clip): VideoMeasurementWire => {
    const key = clip.fileKey!;
    let m = pendingPuts.get(key) ?? stored.get(key);
    if (!m) m = { fileKey: key, path: clip.path!, sizeBytes: clip.c.file!.sizeBytes, mtimeMs: clip.c.file!.mtimeMs };
    m = { ...m };
    pendingPuts.set(key, m);
    return m;
  };
  const putMeasurements = async (force = false) => {
    if (!force && pendingPuts.size < 500) return;
    const list = [...pendingPuts.values()];
    pendingPuts.clear();
    for (const m of list) stored.set(m.fileKey, m);
    if (list.length) await api.putMeasurements(list);
  };

  // ---- duration
  const { minSec, maxSec } = config.duration;
  let probed = 0;
  let reusedProbe = 0;
  let durDone = 0;
  let durPassed = 0;
  let durFailed = 0;
  const durTotal = alive.length;
  await forEachLimit(
    alive,
    availableParallelism(),
    async (clip) => {
      const m = stored.get(clip.fileKey!);
      let probe: VideoProbe | null = null;
      let error: string | null = null;
      if (m && (m.probeError || (m.durationSec != null && m.width && m.height && m.fps && m.frameCount))) {
        reusedProbe++;
        clip.reused = true;
        if (m.probeError) error = m.probeError;
        else probe = { durationSec: m.durationSec!, width: m.width!, height: m.height!, fps: m.fps!, frameCount: m.frameCount!, codec: m.codec ?? 'unknown' };
      } else {
        probed++;
        try {
          probe = await probeVideo(clip.path!, ctx.signal);
        } catch (e) {
          if (ctx.signal.aborted) return;
          error = e instanceof Error ? e.message : String(e);
        }
        const rec = measurementOf(clip);
        Object.assign(rec, probe ? { ...probe, probeError: null } : { probeError: error, durationSec: null });
      }
      durDone++;
      clip.probe = probe;
      clip.durationSec = probe?.durationSec ?? null;
      if (!probe) {
        durFailed++;
        update(clip, { stage: 'duration', outcome: 'error', reason: error, reusedMeasurement: clip.reused });
      } else if (probe.durationSec < minSec || probe.durationSec > maxSec) {
        durFailed++;
        update(clip, { stage: 'duration', outcome: 'rejected', durationSec: probe.durationSec, reason: `duration ${fmt(probe.durationSec)} s is outside ${fmt(minSec)}–${fmt(maxSec)} s`, reusedMeasurement: clip.reused });
      } else {
        durPassed++;
        update(clip, { stage: 'dynamicity', outcome: 'pending', durationSec: probe.durationSec, reusedMeasurement: clip.reused });
      }
      setStage('duration', { total: durTotal, done: durDone, passed: durPassed, failed: durFailed, note: `${reusedProbe} reused, ${probed} probed` });
      await putMeasurements();
      await flush();
    },
    ctx.signal,
  );
  check();
  await putMeasurements(true);
  alive = alive.filter((x) => x.row.stage === 'dynamicity');
  setStage('dynamicity', { total: alive.length, done: 0, passed: 0, failed: 0, note: '' });
  await flush(true);
  await ctx.log(`duration: ${durPassed} of ${durTotal} within ${fmt(minSec)}–${fmt(maxSec)} s (${probed} probed with ffprobe, ${reusedProbe} from stored measurements)`);
  ctx.progress(2);

  // ---- dynamicity
  const method = dynamicityMethodId(config.dynamicity.measure);
  let decoded = 0;
  let reusedFlow = 0;
  let dynDone = 0;
  let dynErrors = 0;
  const toDecode: Clip[] = [];
  for (const clip of alive) {
    const m = stored.get(clip.fileKey!);
    if (m && m.dynamicityMethod === method && (m.dynamicity != null || m.flowError)) {
      reusedFlow++;
      dynDone++;
      if (m.flowError) {
        dynErrors++;
        update(clip, { stage: 'dynamicity', outcome: 'error', reason: m.flowError });
      } else {
        clip.dynamicity = m.dynamicity!;
        update(clip, { dynamicity: m.dynamicity! });
      }
    } else {
      clip.reused = false;
      toDecode.push(clip);
    }
  }
  if (toDecode.length > 0) {
    const measurer = ctx.createMeasurer();
    const onAbort = () => void measurer.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await forEachLimit(
        toDecode,
        Math.max(1, config.workers || availableParallelism()) * 2,
        async (clip) => {
          let result: DynamicityMeasurement | null = null;
          let error: string | null = null;
          try {
            result = await measurer.measure(clip.path!, clip.probe!, config.dynamicity.measure);
          } catch (e) {
            if (ctx.signal.aborted) return;
            if (!(e instanceof MediaToolError)) throw e;
            error = e.message;
          }
          decoded++;
          dynDone++;
          const rec = measurementOf(clip);
          Object.assign(
            rec,
            result
              ? { dynamicity: result.dynamicity, flowDetail: { pxPerFrame: result.pxPerFrame, pairs: result.pairs, width: result.width, height: result.height }, flowError: null, dynamicityMethod: method }
              : { dynamicity: null, flowDetail: null, flowError: error, dynamicityMethod: method },
          );
          if (result) {
            clip.dynamicity = result.dynamicity;
            update(clip, { dynamicity: result.dynamicity, reusedMeasurement: false });
          } else {
            dynErrors++;
            update(clip, { stage: 'dynamicity', outcome: 'error', reason: error, reusedMeasurement: false });
          }
          setStage('dynamicity', { total: alive.length, done: dynDone, passed: 0, failed: dynErrors, note: `${reusedFlow} reused, ${decoded} decoded` });
          await putMeasurements();
          await flush();
        },
        ctx.signal,
      );
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await measurer.close();
    }
  }
  check();
  await putMeasurements(true);
  const measured = alive.filter((x) => x.dynamicity !== null);
  const rule = config.dynamicity.rule === 'threshold' ? { rule: 'threshold' as const, threshold: config.dynamicity.threshold } : { rule: 'top-share' as const, topShare: config.dynamicity.topShare };
  const selection = selectByDynamicity(measured.map((x) => x.dynamicity!), rule);
  measured.forEach((clip, i) => {
    if (selection.keep[i]) update(clip, { stage: 'annotation', outcome: 'pending' });
    else {
      const why =
        rule.rule === 'threshold'
          ? `dynamicity ${fmt(clip.dynamicity!)} %/s is not above the threshold ${fmt(rule.threshold)}`
          : `dynamicity ${fmt(clip.dynamicity!)} %/s is not in the top ${fmt(rule.topShare * 100)}% (cutoff ${selection.cutoff === null ? '—' : fmt(selection.cutoff)})`;
      update(clip, { stage: 'dynamicity', outcome: 'rejected', reason: why });
    }
  });
  alive = measured.filter((_, i) => selection.keep[i]);
  setStage('dynamicity', {
    total: measured.length + dynErrors,
    done: measured.length + dynErrors,
    passed: alive.length,
    failed: measured.length + dynErrors - alive.length,
    note: `${rule.rule === 'threshold' ? `threshold ${fmt(rule.threshold)}` : `top ${fmt(rule.topShare * 100)}%, cutoff ${selection.cutoff === null ? '—' : fmt(selection.cutoff)}`} %/s; ${reusedFlow} reused, ${decoded} decoded`,
  });
  setStage('annotation', { total: alive.length, done: 0, passed: 0, failed: 0, note: ctx.annotator.heuristic ? `offline: ${ctx.annotator.source}` : ctx.annotator.source });
  await flush(true);
  await ctx.log(`dynamicity: ${alive.length} of ${measured.length + dynErrors} kept (${method}; ${decoded} decoded, ${reusedFlow} from stored measurements, ${dynErrors} unreadable or truncated)`);
  ctx.progress(3);

  // ---- annotation
  let annDone = 0;
  let annFailed = 0;
  let provided = 0;
  await forEachLimit(
    alive,
    16,
    async (clip) => {
      if (config.annotation.useProvidedThink && clip.c.think) {
        provided++;
        clip.think = clip.c.think;
        clip.thinkSource = config.source.kind === 'folder' ? 'provided in the captions file' : 'provided with the dataset';
      } else {
        const r = await ctx.annotator.annotate(clip.c.caption ?? '');
        if (r.ok) {
          clip.think = r.think;
          clip.thinkSource = r.source;
        } else {
          annDone++;
          annFailed++;
          update(clip, { stage: 'annotation', outcome: 'error', reason: `annotation failed: ${r.reason}`, thinkSource: r.source });
          return;
        }
      }
      annDone++;
      clip.actionTypes = actionTypesOf(clip.think, config.actionFilter.actionKey);
      if (clip.actionTypes.length === 0) {
        annFailed++;
        update(clip, { stage: 'annotation', outcome: 'error', reason: 'the think has no action', think: clip.think, thinkSource: clip.thinkSource });
        return;
      }
      update(clip, { stage: 'action', outcome: 'pending', think: clip.think, thinkSource: clip.thinkSource, actionTypes: clip.actionTypes });
      setStage('annotation', { total: alive.length, done: annDone, passed: annDone - annFailed, failed: annFailed, note: ctx.annotator.heuristic ? `offline: ${ctx.annotator.source}` : ctx.annotator.source });
      await flush();
    },
    ctx.signal,
  );
  check();
  alive = alive.filter((x) => x.row.stage === 'action');
  setStage('annotation', {
    total: annDone,
    done: annDone,
    passed: alive.length,
    failed: annFailed,
    note: `${ctx.annotator.heuristic ? `offline: ${ctx.annotator.source}` : ctx.annotator.source}${provided ? `; ${provided} provided` : ''}`,
  });
  await flush(true);
  await ctx.log(`annotation: ${alive.length} clips with a structured think (${provided} provided, others by ${ctx.annotator.source}); ${annFailed} failed`);
  ctx.progress(4);

  // ---- action filter
  const af = config.actionFilter;
  const walk = filterWalkOrder(alive.map((x) => ({ dynamicity: x.dynamicity })), af.order, af.seed);
  const walked = walk.map((i) => alive[i]);
  const result = actionFilter(walked.map((x) => x.actionTypes), { targetSize: af.targetSize });
  const kept: Clip[] = [];
  const visited = new Set<number>();
  result.visited.forEach((v, rank) => {
    const clip = walked[v.index];
    visited.add(v.index);
    if (v.newTypes.length > 0) {
      kept.push(clip);
      update(clip, { stage: 'action', outcome: 'kept', newActions: v.newTypes, filterRank: rank + 1, reason: null });
    } else {
      update(clip, { stage: 'action', outcome: 'rejected', newActions: [], filterRank: rank + 1, reason: `adds no new action type (${clip.actionTypes.slice(0, 6).join(', ')}${clip.actionTypes.length > 6 ? ', …' : ''} already in the inventory)` });
    }
  });
  walked.forEach((clip, i) => {
    if (!visited.has(i)) update(clip, { stage: 'action', outcome: 'rejected', reason: `not visited: the target size ${af.targetSize} was reached` });
  });
  setStage('action', {
    total: walked.length,
    done: walked.length,
    passed: kept.length,
    failed: walked.length - kept.length,
    note: `order ${af.order}; ${result.inventoryGrowth.at(-1) ?? 0} action types; ${result.stoppedAtTarget ? `stopped at the target size ${af.targetSize}` : `target ${af.targetSize} not reached`}`,
  });
  await flush(true);
  await ctx.log(`action filter: kept ${kept.length} of ${walked.length} (walk order ${af.order}; inventory of ${result.inventoryGrowth.at(-1) ?? 0} action types${result.stoppedAtTarget ? `; stopped at the target size ${af.targetSize}` : ''})`);

  // ---- output dataset
  check();
  const datasetName = config.output.datasetName ?? ctx.runName;
  const datasetClips: DatasetClipWire[] = kept.map((clip) => ({
    externalId: clip.c.externalId,
    caption: clip.c.caption!,
    think: clip.think,
    thinkSource: clip.thinkSource,
    videoPath: clip.path!,
    durationSec: clip.durationSec,
    metadata: { dynamicity: clip.dynamicity, fileKey: clip.fileKey, newActions: clip.row.newActions ?? [], actionTypes: clip.actionTypes, curateRunId: ctx.runId },
  }));
  const out = await api.putDataset(ctx.runId, {
    name: datasetName,
    description: config.output.description || `Curated by run "${ctx.runName}" (paper Appendix C pipeline): ${kept.length} clips`,
    source:
      config.source.kind === 'folder'
        ? `curate run ${ctx.runId}: videos ${config.source.videoDir}, captions ${config.source.captionsPath}`
        : `curate run ${ctx.runId}: dataset ${config.source.dataset}`,
    report: { annotator: ctx.annotator.source, heuristicAnnotation: ctx.annotator.heuristic, dynamicityMethod: method, config },
    clips: datasetClips,
  });
  ctx.progress(5);
  await ctx.log(`output: dataset "${out.name}" (${out.clips} clips, kind train)`);
  const count = (stage: CurationStageName, outcome: string) => clips.filter((x) => x.row.stage === stage && x.row.outcome === outcome).length;
  return {
    clips_in: clips.length,
    input_errors: inputErrors,
    duration_rejected: count('duration', 'rejected'),
    duration_errors: count('duration', 'error'),
    dynamicity_rejected: count('dynamicity', 'rejected'),
    dynamicity_errors: count('dynamicity', 'error'),
    annotation_errors: count('annotation', 'error'),
    action_rejected: count('action', 'rejected'),
    kept: kept.length,
    probed,
    decoded,
    reused_probe: reusedProbe,
    reused_flow: reusedFlow,
    dataset: out.name,
    annotator: ctx.annotator.source,
  };
}
