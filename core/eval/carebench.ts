/**
 * CAREBENCH captioning: action F1 (AutoDQ events) and object F1 ("There is/are …" objects, one
 * attribute each), aggregated as MCG-NJU/CaReBench `utils/dream_gpt.py` @ f67d9aa does
 * (`DREAMGPTMetric._summarize_metric_by_subtask`; `tasks/captioning.py` puts every clip in one group,
 * "overall"). Pure: no I/O. Prompts: ./autodq.ts.
 *
 * Per clip and per kind (events, objects): recall = reference items judged "entailment" against the
 * prediction; precision = items extracted from the prediction judged "entailment" against the
 * reference caption; empty list ⇒ 1.0. Dataset: R and P are clip means, F1 of the means. Items absent
 * from the annotation record are extracted from the reference caption by the judge.
 */
import { prfOfMeans, type PrfRow } from './autodq';

export const CAREBENCH_PROMPT_VERSION = 'carebench-extract-events@f67d9aa+carebench-extract-objects@f67d9aa+autodq-v1+carebench-entail-objects@f67d9aa';

export interface CarebenchClipScore {
  actionRecall: number;
  actionPrecision: number;
  objectRecall: number;
  objectPrecision: number;
}

export interface CarebenchSummary {
  action: PrfRow;
  object: PrfRow;
  clips: number;
  failed: number;
}

export function aggregateCarebench(clips: readonly CarebenchClipScore[], failed = 0): CarebenchSummary {
  return {
    action: prfOfMeans(clips.map((c) => ({ recall: c.actionRecall, precision: c.actionPrecision }))),
    object: prfOfMeans(clips.map((c) => ({ recall: c.objectRecall, precision: c.objectPrecision }))),
    clips: clips.length,
    failed,
  };
}
