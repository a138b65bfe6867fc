/**
 * Predictions files → captions per clip, with a report of everything that did not fit. Pure: the
 * caller reads the file and says which clip ids the benchmark has.
 *
 * Formats (detected from the content):
 *  - "jsonl": one `{"id" | "vid" | "video_id": …, "caption": "…"}` per line;
 *  - "multi-model": the DREAM-1K explorer layout of shared/benchmarks/model-captions
 *    (`{"idx", "dream_subset", "video_url", "descriptions": {"<model>": "<caption>", …}}` per line),
 *    one source per model;
 *  - "lmms-eval": lmms-eval's samples — a JSON list (as rese1f/aurora post_eval/process_vdc_result.py
 *    reads it) or JSON lines of `{"doc": {…video id…}, "resps": [["<caption>"]], …}`; the caption is
 *    `resps[0][0]` as in the official script (else `filtered_resps[0]`).
 * Bad input never silently scores 0: unknown ids, duplicates (the first one is kept, as Tarsier's
 * `read_dataset` does), missing clips, malformed lines, empty and literal "<error>" captions are
 * reported with counts and ids; the rest is evaluated.
 */
import { predictionFlags } from './types';

export type PredictionFormat = 'jsonl' | 'multi-model' | 'lmms-eval';

export interface IdCount {
  count: number;
  /** The first few ids (all of them for `missing`). */
  ids: string[];
}

export interface SourceReport {
  /** The model of a multi-model file (null for single-source formats unless given). */
  model: string | null;
  /** Clips with a caption that will be evaluated. */
  evaluated: number;
  unknownIds: IdCount;
  duplicates: IdCount;
  /** Clips of the benchmark without a caption (every id listed). */
  missing: IdCount;
  emptyCaptions: IdCount;
  errorCaptions: IdCount;
}

export interface PredictionsReport {
  format: PredictionFormat;
  /** Non-blank lines (JSONL) or list entries (JSON list). */
  records: number;
  malformed: { count: number; first: { where: string; error: string }[] };
  sources: SourceReport[];
}

export interface PredictionSource {
  model: string | null;
  /** clip id → caption, in file order. */
  captions: Map<string, string>;
}

export interface ParsePredictionsOptions {
  /** Maps an id as written in the file to the benchmark's clip id, or null when it is not a clip of it. */
  resolveId: (raw: string) => string | null;
  /** Every clip id of the benchmark (to list the missing ones). */
  clipIds: readonly string[];
  /** Keep only this model of a multi-model file (error when absent); other formats: the name to record. */
  model?: string | null;
}

export class PredictionsFileError extends Error {}

const FIRST = 10;

interface RawRecord {
  where: string;
  id: string;
  caption: string;
  model: string | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idText(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

const LMMS_DOC_ID_FIELDS = ['video_id', 'video_name', 'vid', 'video', 'idx', 'id'] as const;

function lmmsRecord(obj: Record<string, unknown>, where: string): RawRecord | string {
  const doc = obj.doc;
  let id: string | null = null;
  if (isRecord(doc)) for (const f of LMMS_DOC_ID_FIELDS) if ((id = idText(doc[f])) !== null) break;
  if (id === null) return `no clip id in "doc" (looked for ${LMMS_DOC_ID_FIELDS.join(', ')})`;
  const resps = obj.resps;
  let caption: unknown = Array.isArray(resps) && Array.isArray(resps[0]) ? resps[0][0] : undefined;
  if (typeof caption !== 'string' && Array.isArray(obj.filtered_resps)) caption = obj.filtered_resps[0];
  if (typeof caption !== 'string') return 'no caption in resps[0][0] or filtered_resps[0]';
  return { where, id, caption, model: null };
}

function detect(text: string): { format: PredictionFormat; entries: { where: string; value: unknown }[]; malformed: { where: string; error: string }[] } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch (e) {
      throw new PredictionsFileError(`the file starts with "[" but is not a JSON list: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!Array.isArray(list)) throw new PredictionsFileError('expected a JSON list');
    return { format: 'lmms-eval', entries: list.map((value, i) => ({ where: `entry ${i}`, value })), malformed: [] };
  }
  const entries: { where: string; value: unknown }[] = [];
  const malformed: { where: string; error: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      entries.push({ where: `line ${i + 1}`, value: JSON.parse(line) });
    } catch (e) {
      malformed.push({ where: `line ${i + 1}`, error: `not JSON (${e instanceof Error ? e.message : String(e)})` });
    }
  }
  const first = entries.find((e) => isRecord(e.value))?.value as Record<string, unknown> | undefined;
  const format: PredictionFormat = first && isRecord(first.descriptions) ? 'multi-model' : first && 'doc' in first && ('resps' in first || 'filtered_resps' in first) ? 'lmms-eval' : 'jsonl';
  return { format, entries, malformed };
}

/** Extensions a clip id that is a video file name may end with (an id given without one still matches). */
const VIDEO_EXTENSIONS = ['.mp4', '.webm', '.mkv', '.mov', '.avi'];

/**
 * Parses a predictions file. Throws PredictionsFileError only when the file as a whole is unusable
 * (not JSON lines or a JSON list, no usable record, an unknown --model); everything else is reported.
 */
export function parsePredictions(text: string, options: ParsePredictionsOptions): { sources: PredictionSource[]; report: PredictionsReport } {
  const { format, entries, malformed } = detect(text);
  const totalRecords = entries.length + malformed.length;
  const records: RawRecord[] = [];
  for (const { where, value } of entries) {
    if (!isRecord(value)) {
      malformed.push({ where, error: 'not a JSON object' });
      continue;
    }
    if (format === 'multi-model') {
      const id = idText(value.idx) ?? idText(value.vid) ?? idText(value.id);
      if (id === null || !isRecord(value.descriptions)) {
        malformed.push({ where, error: 'expected {"idx", "descriptions": {"<model>": "<caption>"}}' });
        continue;
      }
      for (const [model, caption] of Object.entries(value.descriptions)) {
        if (typeof caption === 'string') records.push({ where, id, caption, model });
        else malformed.push({ where, error: `descriptions["${model}"] is not a string` });
      }
    } else if (format === 'lmms-eval') {
      const r = lmmsRecord(value, where);
      if (typeof r === 'string') malformed.push({ where, error: r });
      else records.push(r);
    } else {
      const id = idText(value.id) ?? idText(value.vid) ?? idText(value.video_id);
      if (id === null) {
        malformed.push({ where, error: 'no clip id: expected "id", "vid" or "video_id"' });
        continue;
      }
      if (typeof value.caption !== 'string') {
        malformed.push({ where, error: `"caption" must be a string${value.caption === undefined ? ' (missing)' : ''}` });
        continue;
      }
      records.push({ where, id, caption: value.caption, model: null });
    }
  }
  if (records.length === 0) {
    const why = malformed.length ? `; first problem: ${malformed[0].where}: ${malformed[0].error}` : '';
    throw new PredictionsFileError(`no usable prediction in the file (format ${format}, ${totalRecords} records)${why}`);
  }

  let models: (string | null)[] = format === 'multi-model' ? [...new Set(records.map((r) => r.model))] : [null];
  if (format === 'multi-model' && options.model) {
    if (!models.includes(options.model)) {
      throw new PredictionsFileError(`model "${options.model}" is not in the file (models: ${models.join(', ')})`);
    }
    models = [options.model];
  }

  const known = new Set(options.clipIds);
  const sources: PredictionSource[] = [];
  const reports: SourceReport[] = [];
  for (const model of models) {
    const captions = new Map<string, string>();
    const unknown: string[] = [];
    const duplicates: string[] = [];
    const empty: string[] = [];
    const errors: string[] = [];
    for (const r of records) {
      if (format === 'multi-model' && r.model !== model) continue;
      let clipId = options.resolveId(r.id);
      // Clip ids that are video file names ("carebench/synthetic_0001.mp4") also match without the extension.
      if (clipId !== null && !known.has(clipId)) clipId = VIDEO_EXTENSIONS.map((x) => `${clipId}${x}`).find((id) => known.has(id)) ?? clipId;
      if (clipId === null || !known.has(clipId)) {
        unknown.push(r.id);
        continue;
      }
      if (captions.has(clipId)) {
        duplicates.push(clipId);
        continue;
      }
      captions.set(clipId, r.caption);
      const flags = predictionFlags(r.caption);
      if (flags.includes('empty-caption')) empty.push(clipId);
      if (flags.includes('error-caption')) errors.push(clipId);
    }
    const missing = options.clipIds.filter((id) => !captions.has(id));
    const name = format === 'multi-model' ? model : (options.model ?? null);
    sources.push({ model: name, captions });
    reports.push({
      model: name,
      evaluated: captions.size,
      unknownIds: { count: unknown.length, ids: unknown.slice(0, FIRST) },
      duplicates: { count: duplicates.length, ids: duplicates.slice(0, FIRST) },
      missing: { count: missing.length, ids: missing },
      emptyCaptions: { count: empty.length, ids: empty },
      errorCaptions: { count: errors.length, ids: errors },
    });
  }
  return {
    sources,
    report: { format, records: totalRecords, malformed: { count: malformed.length, first: malformed.slice(0, FIRST) }, sources: reports },
  };
}

/** Clip id resolvers per benchmark: how ids are written in predictions files. */
export function resolveDream1kId(raw: string): string | null {
  const m = /^(?:dream-1k\/)?(\d+)$/.exec(raw.trim());
  return m ? `dream-1k/${Number(m[1])}` : null;
}

export function resolveVdcId(raw: string): string | null {
  const t = raw.trim().replace(/^vdc\//, '');
  return t ? `vdc/${t}` : null;
}

export function resolveCarebenchId(raw: string): string | null {
  const t = raw.trim().replace(/^carebench\//, '');
  return t ? `carebench/${t}` : null;
}

/** Model names in multi-model files that are the benchmark's own reference, not a model ("Human", "GT", …). */
export const REFERENCE_MODELS: ReadonlySet<string> = new Set(['human', 'reference', 'gt', 'ground truth']);

/** Whether a model name in a captions file is the benchmark's reference ("Human", "GT", …; any case). */
export function isReferenceModel(name: string | null | undefined): boolean {
  return !!name && REFERENCE_MODELS.has(name.trim().toLowerCase());
}

/**
 * Whether a source of a parsed predictions file is the benchmark's reference rather than a model: the
 * "Human" (or "Reference", "GT", "Ground truth"; any case) entry of a multi-model file. An entry the
 * caller asked for by name (`requestedModel`, e.g. `--model Human`) is never treated as the reference:
 * the caller chose it. The one rule every importer uses (caption sources, evaluation uploads, `videocap
 * eval`), so the reference is never stored, evaluated or ranked as if it were a model.
 */
export function isBenchmarkReference(format: PredictionFormat, model: string | null, requestedModel?: string | null): boolean {
  return format === 'multi-model' && !requestedModel?.trim() && isReferenceModel(model);
}

/**
 * The sources of a parsed file without the benchmark's reference (isBenchmarkReference): `sources[i]`
 * and `reports[i]` stay paired as in parsePredictions' output; `skippedModels` are the names left out,
 * in file order (for referenceSkippedMessage).
 */
export function withoutReferenceSources(
  parsed: { sources: PredictionSource[]; report: PredictionsReport },
  requestedModel?: string | null,
): { sources: PredictionSource[]; reports: SourceReport[]; skippedModels: string[] } {
  const sources: PredictionSource[] = [];
  const reports: SourceReport[] = [];
  const skippedModels: string[] = [];
  parsed.sources.forEach((s, i) => {
    if (isBenchmarkReference(parsed.report.format, s.model, requestedModel)) skippedModels.push(s.model!);
    else {
      sources.push(s);
      reports.push(parsed.report.sources[i]);
    }
  });
  return { sources, reports, skippedModels };
}

/** What every importer says about skipped references: `skipped Human (the benchmark's reference, shown beside every clip)`; "" for none. */
export function referenceSkippedMessage(skippedModels: readonly string[]): string {
  return skippedModels.length ? `skipped ${skippedModels.join(', ')} (the benchmark's reference, shown beside every clip)` : '';
}
