/**
 * Automatic caption analysis on the server (issue 13): launching "analyze" runs, the runner's side
 * (inputs, reports) and per-source hallucination rates.
 * The judging happens on a runner (gpu-runner/analyze); the server stores and summarises with the
 * pure code of core/compare/analysis.ts.
 */
import { isReferenceSource } from '../../core/compare/reference-source';
import { createHash } from 'node:crypto';
import {
  analysisReportSchema,
  analyzeConfigSchema,
  countClaims,
  hallucinationRates as rateRows,
  type AnalysisInputs,
  type AnalysisItem,
  type AnalysisReport,
  type AnalyzeConfig,
  type RateRow,
} from '../../core/compare/analysis';
import type { Db } from '../db';
import { Prisma } from '../generated/prisma/client';
import { enqueueRun } from '../queue';
import { NotFoundError, UnavailableError, ValidationError } from './errors';
import { transitionRun } from './runs';

/** sha256 (hex) of a caption's text, as Caption.textHash. */
export function captionTextHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function validateAnalyzeConfig(config: unknown): AnalyzeConfig {
  const r = analyzeConfigSchema.safeParse(config ?? {});
  if (!r.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of r.error.issues) fieldErrors[`config.${issue.path.length ? issue.path.join('.') : '(config)'}`] ??= issue.message;
    throw new ValidationError(`invalid analyze config — ${Object.entries(fieldErrors).map(([k, v]) => `${k}: ${v}`).join('; ')}`, fieldErrors);
  }
  return r.data;
}

export interface LaunchAnalyzeInput {
  name?: string;
  config: unknown;
  createdById?: string | null;
}

/**
 * Launch an analysis of (clip, source) pairs: validated (every pair must name a stored caption of a
 * model, not of the benchmark's reference; the baseline source must exist), stored queued on the local
 * backend (no GPU), enqueued.
 */
export async function launchAnalyzeRun(db: Db, input: LaunchAnalyzeInput): Promise<{ id: string; captions: number }> {
  const config = validateAnalyzeConfig(input.config);
  const found = await db.caption.findMany({
    where: { OR: config.pairs.map((p) => ({ clipId: p.clipId, sourceId: p.sourceId })) },
    select: { clipId: true, sourceId: true },
  });
  const have = new Set(found.map((c) => `${c.clipId}\u0000${c.sourceId}`));
  const missing = config.pairs.filter((p) => !have.has(`${p.clipId}\u0000${p.sourceId}`));
  if (missing.length) {
    throw new ValidationError(
      `config.pairs: ${missing.length} pair(s) name no stored caption, e.g. clip ${missing[0].clipId} of source ${missing[0].sourceId}`,
      { 'config.pairs': 'every (clip, source) pair must have a caption' },
    );
  }
  // The reference is what claims are judged against: never analysed as if it were a model's caption.
  const sources = await db.captionSource.findMany({ where: { id: { in: [...new Set(config.pairs.map((p) => p.sourceId))] } }, select: { id: true, kind: true, model: true, name: true } });
  const references = sources.filter(isReferenceSource);
  if (references.length) {
    throw new ValidationError(
      `config.pairs: ${references.map((r) => r.name).join(', ')} ${references.length === 1 ? 'is' : 'are'} the benchmark's reference, not a model's captions: it is what claims are judged against`,
      { 'config.pairs': 'the reference cannot be analysed' },
    );
  }
  if (config.baselineSourceId && !(await db.captionSource.findUnique({ where: { id: config.baselineSourceId }, select: { id: true } }))) {
    throw new ValidationError(`config.baselineSourceId: source ${config.baselineSourceId} does not exist`, { 'config.baselineSourceId': 'does not exist' });
  }
  const name = input.name?.trim() || `analyze ${found.length} caption${found.length === 1 ? '' : 's'} (${config.judge.kind === 'lexical' ? 'lexical judge' : config.judge.model})`;
  const run = await db.run.create({
    data: {
      name,
      kind: 'analyze',
      backend: 'local',
      config: config as unknown as Prisma.InputJsonValue,
      maxSteps: found.length,
      createdById: input.createdById ?? null,
      status: 'queued',
      transitions: { create: { fromStatus: null, toStatus: 'queued', reason: 'launched' } },
    },
    select: { id: true },
  });
  try {
    await enqueueRun(run.id, 'analyze', 'local');
  } catch (e) {
    const reason = `could not enqueue the job (Redis unavailable?): ${e instanceof Error ? e.message : String(e)}`;
    await transitionRun(db, run.id, 'failed', reason);
    throw new UnavailableError(reason);
  }
  return { id: run.id, captions: found.length };
}

async function requireAnalyzeRun(db: Db, runId: string) {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, kind: true, config: true } });
  if (!run) throw new NotFoundError(`run ${runId} does not exist`);
  if (run.kind !== 'analyze') throw new ValidationError(`run ${runId} is a ${run.kind} run, not an analyze run`);
  return { ...run, config: validateAnalyzeConfig(run.config) };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** What the runner analyses: each pair's caption with its clip's reference and the baseline's caption. */
export async function analysisInputsForRunner(db: Db, runId: string): Promise<AnalysisInputs> {
  const { config } = await requireAnalyzeRun(db, runId);
  const captions = await db.caption.findMany({
    where: { OR: config.pairs.map((p) => ({ clipId: p.clipId, sourceId: p.sourceId })) },
    select: {
      id: true,
      clipId: true,
      sourceId: true,
      text: true,
      source: { select: { name: true, benchmark: true } },
      clip: { select: { referenceCaption: true, events: true, objects: true, benchmarks: true } },
    },
  });
  const baselines = config.baselineSourceId
    ? new Map(
        (await db.caption.findMany({ where: { sourceId: config.baselineSourceId, clipId: { in: [...new Set(captions.map((c) => c.clipId))] } }, select: { clipId: true, text: true } })).map((c) => [
          c.clipId,
          c.text,
        ]),
      )
    : new Map<string, string>();
  const items: AnalysisItem[] = captions.map((c) => {
    const benchmark = c.clip.benchmarks.includes('dream-1k') ? 'dream-1k' : c.clip.benchmarks.includes('carebench') ? 'carebench' : (c.source.benchmark ?? null);
    const baseText = baselines.get(c.clipId);
    return {
      captionId: c.id,
      clipId: c.clipId,
      sourceId: c.sourceId,
      sourceName: c.source.name,
      text: c.text,
      textHash: captionTextHash(c.text),
      benchmark,
      reference: { caption: c.clip.referenceCaption, events: strings(c.clip.events), objects: strings(c.clip.objects) },
      baseline: config.baselineSourceId && c.sourceId !== config.baselineSourceId && baseText !== undefined && baseText.trim() !== '' ? { sourceId: config.baselineSourceId, text: baseText } : null,
    };
  });
  const have = new Set(captions.map((c) => `${c.clipId}\u0000${c.sourceId}`));
  return { config, items, missing: config.pairs.filter((p) => !have.has(`${p.clipId}\u0000${p.sourceId}`)) };
}

/** How an automatic span names its author: the judge, and "offline approximation" for the lexical one. */
export function autoAuthorName(judge: { kind: string; model: string }): string {
  return `auto (${judge.kind === 'lexical' ? 'lexical judge' : 'judge'} ${judge.model})`;
}

/**
 * Store a runner's analysis of some captions. Per caption, in one transaction: its CaptionAnalysis
 * row is replaced, its automatic spans still "suggested" are deleted (accepted / rejected ones and
 * every human span stay), and the mapped claims become new suggested spans. A caption whose text
 * changed since the runner read it is skipped (its analysis would not fit the text). Idempotent.
 */
export async function applyAnalysisReport(db: Db, runId: string, input: AnalysisReport) {
  const report = analysisReportSchema.parse(input);
  const run = await requireAnalyzeRun(db, runId);
  let stored = 0;
  const skipped: { captionId: string; reason: string }[] = [];
  for (const r of report.results) {
    if (r.failed) {
      skipped.push({ captionId: r.captionId, reason: r.reason });
      continue;
    }
    const caption = await db.caption.findUnique({ where: { id: r.captionId }, select: { id: true, text: true, clipId: true, sourceId: true } });
    if (!caption) {
      skipped.push({ captionId: r.captionId, reason: 'caption no longer exists' });
      continue;
    }
    if (captionTextHash(caption.text) !== r.textHash) {
      skipped.push({ captionId: r.captionId, reason: 'caption text changed since the analysis started' });
      continue;
    }
    for (const c of r.claims) {
      if (c.start !== null && (c.end === null || c.end > caption.text.length || c.start >= c.end)) {
        throw new ValidationError(`claim "${c.claim}": span [${c.start}, ${c.end}) is outside caption ${caption.id} (length ${caption.text.length})`);
      }
    }
    const counts = countClaims(r.claims);
    const author = autoAuthorName(r.judge);
    await db.$transaction(async (tx) => {
      const data = {
        runId,
        sourceId: caption.sourceId,
        clipId: caption.clipId,
        textHash: r.textHash,
        judgeKind: r.judge.kind,
        judgeModel: r.judge.model,
        promptVersion: r.judge.promptVersion,
        baselineSourceId: run.config.baselineSourceId,
        claims: r.claims as unknown as Prisma.InputJsonValue,
        ...counts,
      };
      await tx.captionAnalysis.upsert({ where: { captionId: caption.id }, create: { captionId: caption.id, ...data }, update: { ...data, createdAt: new Date() } });
      await tx.spanAnnotation.deleteMany({ where: { captionId: caption.id, origin: 'auto', status: 'suggested' } });
      const spans = r.claims.filter((c) => c.start !== null && c.end !== null);
      if (spans.length) {
        await tx.spanAnnotation.createMany({
          data: spans.map((c) => ({
            captionId: caption.id,
            start: c.start!,
            end: c.end!,
            label: c.label,
            note: `${c.kind} "${c.claim}": ${c.relationship}${c.baselineRelationship ? `; baseline: ${c.baselineRelationship}` : ''}${c.reason ? ` — ${c.reason}` : ''}`.slice(0, 2000),
            origin: 'auto',
            status: 'suggested',
            authorId: null,
            authorName: author,
            text: caption.text.slice(c.start!, c.end!),
            judgeModel: r.judge.model,
            judgeKind: r.judge.kind,
            claim: c.claim,
            analysisRunId: runId,
          })),
        });
      }
    });
    stored++;
  }
  return { stored, skipped };
}

/**
 * Hallucination rate per (source, judge) over the analysed captions: hallucinated claims / all claims
 * (core/compare/analysis.ts `hallucinationRates`), unmapped claims included. A column source for
 * results tables: `{ sourceId, model, rate, claims, clips }` plus the source name, the judge and the
 * hallucinated count. Filters: only these sources / clips.
 */
export async function sourceHallucinationRates(db: Db, filter: { sourceIds?: string[]; clipIds?: string[] } = {}): Promise<RateRow[]> {
  const rows = await db.captionAnalysis.findMany({
    where: { ...(filter.sourceIds ? { sourceId: { in: filter.sourceIds } } : {}), ...(filter.clipIds ? { clipId: { in: filter.clipIds } } : {}) },
    select: { sourceId: true, judgeKind: true, judgeModel: true, nClaims: true, nHallucinated: true, caption: { select: { source: { select: { name: true, model: true } } } } },
  });
  return rateRows(rows.map((r) => ({ sourceId: r.sourceId, sourceName: r.caption.source.name, model: r.caption.source.model, judgeKind: r.judgeKind, judgeModel: r.judgeModel, nClaims: r.nClaims, nHallucinated: r.nHallucinated })));
}

/** The stored analyses of a clip's captions (every claim, mapped or not), for the compare view. */
export async function clipAnalyses(db: Db, clipId: string) {
  const rows = await db.captionAnalysis.findMany({
    where: { clipId },
    select: { captionId: true, sourceId: true, runId: true, judgeKind: true, judgeModel: true, promptVersion: true, baselineSourceId: true, claims: true, nClaims: true, nHallucinated: true, nAccurate: true, nUnique: true, nUnmapped: true, createdAt: true, textHash: true, caption: { select: { text: true } } },
  });
  return rows.map(({ caption, ...r }) => ({ ...r, stale: captionTextHash(caption.text) !== r.textHash }));
}
