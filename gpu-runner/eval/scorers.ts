/**
 * Per-clip scoring of the three benchmarks through the one judge code path (JudgeClient + the strict
 * parser of core/judge-reply.ts). Each function returns the clip's EvalSample record: its numbers,
 * every verdict with its reason, what was extracted, and — when a judge step still fails after the
 * retries — `failed` with the step and the reason (the clip is then excluded from the means, never 0).
 *
 * Sources of each step are cited in core/eval/autodq.ts and core/eval/vdc.ts.
 */
import {
  autodqSide,
  buildEntailmentPrompt,
  buildEventExtractionPrompt,
  buildObjectEntailmentPrompt,
  buildObjectExtractionPrompt,
  f1Score,
  type AutodqSide,
} from '../../core/eval/autodq';
import { buildVdcAnswerRequest, buildVdcScoreRequest, vdcClipScore, type VdcQaVerdict } from '../../core/eval/vdc';
import { predictionFlags, type EvalSampleRecord } from '../../core/eval/types';
import { parseEntailmentVerdicts, parseExtractedList, parseFreeTextAnswer, parseVdcVerdict, type EntailmentVerdict } from '../../core/judge-reply';
import type { JudgeClient } from '../providers/judge-client';
import type { Dream1kClip } from '../datasets/dream1k';
import type { VdcClip } from '../datasets/vdc';
import type { CarebenchClip } from '../datasets/carebench';
import { dreamSubsetName } from '../../core/eval/dream1k';

export class StepFailure extends Error {
  constructor(
    readonly step: string,
    reason: string,
  ) {
    super(`${step}: ${reason}`);
  }
}

/** One judged item (event or object) with its verdict, for the clip page. */
export interface JudgedItem {
  item: string;
  relationship: string;
  reason: string;
  hit: boolean;
}

export async function extract(client: JudgeClient, step: string, prompt: string, key: 'events' | 'objects'): Promise<string[]> {
  const r = await client.ask(prompt, (reply) => parseExtractedList(reply, key));
  if (!r.ok) throw new StepFailure(step, r.reason);
  return r.value;
}

/**
 * One side of AutoDQ: judge `items` against `description`. An empty list scores 1.0 without a call
 * (deliberate: the official code still calls the judge with `[reference]` but ignores the verdict).
 */
export async function entail(
  client: JudgeClient,
  step: string,
  description: string,
  items: readonly string[],
  kind: 'events' | 'objects',
): Promise<{ side: AutodqSide; judged: JudgedItem[] }> {
  if (items.length === 0) return { side: autodqSide([], 0), judged: [] };
  const prompt = kind === 'events' ? buildEntailmentPrompt(description, items) : buildObjectEntailmentPrompt(description, items);
  const r = await client.ask(prompt, (reply) => parseEntailmentVerdicts(reply, items.length, { listKey: kind }));
  if (!r.ok) throw new StepFailure(step, r.reason);
  const verdicts: EntailmentVerdict[] = r.value;
  return {
    side: autodqSide(verdicts.map((v) => v.relationship), items.length),
    judged: items.map((item, i) => ({ item, relationship: verdicts[i].relationship, reason: verdicts[i].reason, hit: verdicts[i].relationship === 'entailment' })),
  };
}

function failure(e: unknown): { failed: true; failureReason: string } {
  return { failed: true, failureReason: e instanceof StepFailure ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
}

/**
 * DREAM-1K clip (Tarsier `process_one_sample`): recall = human events judged against the
 * prediction; precision = events extracted from the prediction judged against the reference caption.
 */
export async function scoreDream1kClip(client: JudgeClient, clip: Dream1kClip, prediction: string): Promise<EvalSampleRecord> {
  const base = {
    benchmark: 'dream-1k' as const,
    subset: dreamSubsetName(clip.subset),
    clipId: clip.id,
    prediction,
    reference: clip.referenceCaption,
    flags: predictionFlags(prediction),
    judgeModel: client.judge.model,
  };
  const meta = { n_subjects: clip.nSubjects ?? 0, n_shots: clip.nShots ?? 0, n_events: clip.nEvents ?? clip.events.length };
  const details: Record<string, unknown> = {};
  const scores: Record<string, number> = { ...meta };
  try {
    const [recall, predictedEvents] = await Promise.all([
      entail(client, 'recall (human events vs prediction)', prediction.toLowerCase(), clip.events, 'events').then((r) => {
        details.referenceEvents = r.judged;
        scores.recall = r.side.score;
        scores.recall_hits = r.side.hits;
        scores.recall_total = r.side.total;
        return r;
      }),
      extract(client, 'event extraction from the prediction', buildEventExtractionPrompt(prediction, 'tarsier'), 'events').then((events) => {
        details.predictedEvents = events.map((item) => ({ item, relationship: null, reason: '', hit: false }));
        return events;
      }),
    ]);
    const precision = await entail(client, 'precision (predicted events vs reference)', clip.referenceCaption.toLowerCase(), predictedEvents, 'events');
    details.predictedEvents = precision.judged;
    scores.precision = precision.side.score;
    scores.precision_hits = precision.side.hits;
    scores.precision_total = precision.side.total;
    scores.f1 = f1Score(recall.side.score, precision.side.score);
    return { ...base, failed: false, failureReason: null, scores, details };
  } catch (e) {
    return { ...base, ...failure(e), scores, details };
  }
}

/** VDC clip (VDCSCORE): per question, answer from the prediction only, then judge the answer. */
export async function scoreVdcClip(client: JudgeClient, clip: VdcClip, qaSet: string, prediction: string): Promise<EvalSampleRecord> {
  const base = {
    benchmark: 'vdc' as const,
    subset: qaSet,
    clipId: clip.id,
    prediction,
    reference: '',
    flags: predictionFlags(prediction),
    judgeModel: client.judge.model,
  };
  const qas = await Promise.all(
    clip.qas.map(async (qa, i) => {
      const answer = await client.ask(buildVdcAnswerRequest(prediction, qa.question), parseFreeTextAnswer);
      if (!answer.ok) return { ...qa, predictedAnswer: null, pred: null, score: null, failed: `question ${i + 1} (answer): ${answer.reason}` };
      const verdict = await client.ask(buildVdcScoreRequest(qa.question, qa.answer, answer.value), parseVdcVerdict);
      if (!verdict.ok) return { ...qa, predictedAnswer: answer.value, pred: null, score: null, failed: `question ${i + 1} (score): ${verdict.reason}` };
      return { ...qa, predictedAnswer: answer.value, pred: verdict.value.pred, score: verdict.value.score, failed: null };
    }),
  );
  const details = { qas };
  const firstFailure = qas.find((q) => q.failed !== null);
  if (firstFailure) {
    const n = qas.filter((q) => q.failed !== null).length;
    return { ...base, failed: true, failureReason: `${n} of ${qas.length} questions without a valid judge reply; first: ${firstFailure.failed}`, scores: {}, details };
  }
  const s = vdcClipScore(qas.map((q) => ({ pred: q.pred, score: q.score }) as VdcQaVerdict));
  return { ...base, failed: false, failureReason: null, scores: { accuracy: s.accuracy, score: s.score, correct: s.correct, questions: s.questions }, details };
}

/** CAREBENCH clip (CaReBench `process_one_sample`): AutoDQ on events and on objects. */
export async function scoreCarebenchClip(client: JudgeClient, clip: CarebenchClip, prediction: string): Promise<EvalSampleRecord> {
  const base = {
    benchmark: 'carebench' as const,
    subset: 'overall',
    clipId: clip.id,
    prediction,
    reference: clip.reference,
    flags: predictionFlags(prediction),
    judgeModel: client.judge.model,
  };
  const details: Record<string, unknown> = {
    eventsFrom: clip.events ? 'annotation' : 'extracted from the reference caption by the judge',
    objectsFrom: clip.objects ? 'annotation' : 'extracted from the reference caption by the judge',
  };
  const scores: Record<string, number> = {};
  const predLower = prediction.toLowerCase();
  const refLower = clip.reference.toLowerCase();
  try {
    const [gtEvents, gtObjects, predEvents, predObjects] = await Promise.all([
      clip.events ?? extract(client, 'event extraction from the reference', buildEventExtractionPrompt(clip.reference, 'carebench'), 'events'),
      clip.objects ?? extract(client, 'object extraction from the reference', buildObjectExtractionPrompt(clip.reference), 'objects'),
      extract(client, 'event extraction from the prediction', buildEventExtractionPrompt(prediction, 'carebench'), 'events'),
      extract(client, 'object extraction from the prediction', buildObjectExtractionPrompt(prediction), 'objects'),
    ]);
    const [ar, ap, or, op] = await Promise.all([
      entail(client, 'action recall', predLower, gtEvents, 'events'),
      entail(client, 'action precision', refLower, predEvents, 'events'),
      entail(client, 'object recall', predLower, gtObjects, 'objects'),
      entail(client, 'object precision', refLower, predObjects, 'objects'),
    ]);
    Object.assign(details, { referenceEvents: ar.judged, predictedEvents: ap.judged, referenceObjects: or.judged, predictedObjects: op.judged });
    Object.assign(scores, {
      action_recall: ar.side.score,
      action_precision: ap.side.score,
      action_f1: f1Score(ar.side.score, ap.side.score),
      object_recall: or.side.score,
      object_precision: op.side.score,
      object_f1: f1Score(or.side.score, op.side.score),
      action_recall_hits: ar.side.hits,
      action_recall_total: ar.side.total,
      action_precision_hits: ap.side.hits,
      action_precision_total: ap.side.total,
      object_recall_hits: or.side.hits,
      object_recall_total: or.side.total,
      object_precision_hits: op.side.hits,
      object_precision_total: op.side.total,
    });
    return { ...base, failed: false, failureReason: null, scores, details };
  } catch (e) {
    return { ...base, ...failure(e), scores, details };
  }
}
