/**
 * The ingest API wire format (runner → server). Batched and idempotent: metric points are keyed by
 * (run, key, step), rollouts by (run, step, clip, group, sample), checkpoints by (run, step), logs by (run, seq).
 *
 * Validation equals what the database stores (prisma/schema.prisma): steps are BIGINT and reach 2^53 − 1 (the
 * largest integer a JSON number carries exactly), INT columns stop at 2^31 − 1, timestamps stay inside what both
 * JavaScript and PostgreSQL represent. Text PostgreSQL refuses (U+0000, lone UTF-16 surrogates) is not an error:
 * `sanitizeIngestBatch` replaces it and says where.
 */
import { z } from 'zod';
import { RUN_KINDS, RUN_STATUSES } from './types';
import { evalProgressSchema, evalResultSchema, evalSampleSchema } from './eval/types';

/** Largest step stored exactly: steps are BIGINT in the database and JSON numbers on the wire. */
export const MAX_STEP = Number.MAX_SAFE_INTEGER;
/** PostgreSQL INT (group and sample indexes, lengths, log sequence numbers). */
export const MAX_INT32 = 2_147_483_647;
/** Latest wall time, epoch ms (JavaScript's Date range; PostgreSQL's timestamp reaches further). */
export const MAX_WALL_TIME_MS = 8.64e15;

const step = z
  .number({ error: 'must be a number' })
  .min(0, 'must be ≥ 0')
  .max(MAX_STEP, `must be ≤ 2^53 − 1 (${MAX_STEP}), the largest integer stored exactly`)
  .refine((n) => Number.isInteger(n), 'must be an integer');
const int32 = z.number().int('must be an integer').min(0, 'must be ≥ 0').max(MAX_INT32, `must be ≤ ${MAX_INT32}`);
const finite = z.number({ error: 'must be a number' }).finite('must be finite');

/** JSON nesting the server stores (deeper values exhaust the stack of the JSON code on the way to JSONB). */
export const MAX_JSON_DEPTH = 64;

/** Whether a JSON-like value nests at most `max` levels (iterative: safe on any input). */
export function jsonDepthAtMost(value: unknown, max: number): boolean {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, d: d + 1 });
  }
  return true;
}

const shallowJson = z.unknown().refine((v) => jsonDepthAtMost(v, MAX_JSON_DEPTH), `must nest at most ${MAX_JSON_DEPTH} levels`);
import { scorerIdentitySchema } from './scorer';

const thinkSubjectSchema = z.object({
  subject: z.string(),
  attributes: z.array(z.string()),
  actions: z.array(z.string()),
});

export const ingestMetricSchema = z.object({
  step,
  key: z.string().min(1).max(200),
  value: finite,
  wallTime: finite.min(0, 'must be epoch milliseconds ≥ 0').max(MAX_WALL_TIME_MS, 'must be epoch milliseconds (≤ 8.64e15)'),
});

export const ingestRolloutSchema = z.object({
  step,
  clipId: z.string().min(1).max(500),
  groupIndex: int32,
  sampleIndex: int32,
  completion: z.string().max(1_000_000),
  think: z.array(thinkSubjectSchema).nullable(),
  answer: z.string().nullable(),
  rewards: z.object({
    format: finite.optional(),
    tscore: finite.optional(),
    escore: finite.optional(),
    cnscore: finite.optional(),
  }),
  reward: finite,
  advantage: finite,
  length: int32,
  breakdown: shallowJson.optional(),
});

export const ingestCheckpointSchema = z.object({
  step,
  path: z.string().min(1).max(4000),
  metadata: z.record(z.string(), z.unknown()).refine((v) => jsonDepthAtMost(v, MAX_JSON_DEPTH), `must nest at most ${MAX_JSON_DEPTH} levels`).optional(),
});

export const ingestLogSchema = z.object({
  seq: int32,
  line: z.string().max(20_000),
});

const progressSchema = z.object({ step, maxSteps: step });

export const ingestBatchSchema = z.object({
  runnerId: z.string().max(200).optional(),
  metrics: z.array(ingestMetricSchema).max(100_000).default([]),
  rollouts: z.array(ingestRolloutSchema).max(20_000).default([]),
  checkpoints: z.array(ingestCheckpointSchema).max(1000).default([]),
  logs: z.array(ingestLogSchema).max(20_000).default([]),
  progress: progressSchema.optional(),
  /** Evaluation runs: one record per clip (keyed by run, benchmark, subset, clip: re-sent clips are stored once). */
  evalSamples: z.array(evalSampleSchema).max(5_000).default([]),
  /** Evaluation runs: the final rows; they replace the run's earlier rows of the same benchmarks. */
  evalResults: z.array(evalResultSchema).max(5_000).default([]),
  evalProgress: evalProgressSchema.optional(),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;
export type IngestBatchInput = z.input<typeof ingestBatchSchema>;

/**
 * The batch's envelope: item lists are checked for size only, each item is validated on its own
 * (`validateIngestItems`) so one bad item never blocks the valid ones of the same batch.
 */
export const ingestEnvelopeSchema = z.object({
  runnerId: z.string().max(200).optional(),
  metrics: z.array(z.unknown()).max(100_000).default([]),
  rollouts: z.array(z.unknown()).max(20_000).default([]),
  checkpoints: z.array(z.unknown()).max(1000).default([]),
  logs: z.array(z.unknown()).max(20_000).default([]),
  progress: z.unknown().optional(),
  evalSamples: z.array(z.unknown()).max(5_000).default([]),
  evalResults: z.array(z.unknown()).max(5_000).default([]),
  evalProgress: z.unknown().optional(),
});
export type IngestEnvelope = z.infer<typeof ingestEnvelopeSchema>;

export const INGEST_ITEM_KINDS = ['metrics', 'rollouts', 'checkpoints', 'logs'] as const;
export type IngestItemKind = (typeof INGEST_ITEM_KINDS)[number];

/** An item the server did not store, and why: `item` is "rollouts.3", `field` the path inside it ("step"). */
export interface RejectedIngestItem {
  item: string;
  field: string;
  message: string;
}

/** A text field that was changed so the database accepts it. */
export interface SanitizedIngestField {
  item: string;
  field: string;
  change: string;
}

/** Valid items of a batch (with their index in the request, for messages) and the invalid ones, named. */
export interface ValidatedIngestBatch {
  batch: IngestBatch;
  /** Index in the request of each stored item, per kind (parallel to `batch[kind]`). */
  indexes: Record<IngestItemKind, number[]>;
  rejected: RejectedIngestItem[];
}

const ITEM_SCHEMAS = {
  metrics: ingestMetricSchema,
  rollouts: ingestRolloutSchema,
  checkpoints: ingestCheckpointSchema,
  logs: ingestLogSchema,
} as const;

/** Validates each item of an envelope on its own. Pure. */
export function validateIngestItems(envelope: IngestEnvelope): ValidatedIngestBatch {
  const rejected: RejectedIngestItem[] = [];
  const indexes: Record<IngestItemKind, number[]> = { metrics: [], rollouts: [], checkpoints: [], logs: [] };
  const valid: { [K in IngestItemKind]: IngestBatch[K] } = { metrics: [], rollouts: [], checkpoints: [], logs: [] };
  for (const kind of INGEST_ITEM_KINDS) {
    const schema = ITEM_SCHEMAS[kind];
    envelope[kind].forEach((raw, i) => {
      const r = schema.safeParse(raw);
      if (r.success) {
        (valid[kind] as unknown[]).push(r.data);
        indexes[kind].push(i);
      } else {
        const issue = r.error.issues[0]!;
        const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
        rejected.push({ item: `${kind}.${i}`, field: issue.path.join('.') || '(item)', message: issue.message + more });
      }
    });
  }
  let progress: IngestBatch['progress'];
  if (envelope.progress !== undefined) {
    const p = progressSchema.safeParse(envelope.progress);
    if (p.success) progress = p.data;
    else rejected.push({ item: 'progress', field: p.error.issues[0]!.path.join('.') || '(item)', message: p.error.issues[0]!.message });
  }
  // Evaluation records, each validated on its own like the items above.
  const evalSamples: IngestBatch['evalSamples'] = [];
  envelope.evalSamples.forEach((raw, i) => {
    const r = evalSampleSchema.safeParse(raw);
    if (r.success) evalSamples.push(r.data);
    else rejected.push({ item: `evalSamples.${i}`, field: r.error.issues[0]!.path.join('.') || '(item)', message: r.error.issues[0]!.message });
  });
  const evalResults: IngestBatch['evalResults'] = [];
  envelope.evalResults.forEach((raw, i) => {
    const r = evalResultSchema.safeParse(raw);
    if (r.success) evalResults.push(r.data);
    else rejected.push({ item: `evalResults.${i}`, field: r.error.issues[0]!.path.join('.') || '(item)', message: r.error.issues[0]!.message });
  });
  let evalProgress: IngestBatch['evalProgress'];
  if (envelope.evalProgress !== undefined) {
    const p = evalProgressSchema.safeParse(envelope.evalProgress);
    if (p.success) evalProgress = p.data;
    else rejected.push({ item: 'evalProgress', field: p.error.issues[0]!.path.join('.') || '(item)', message: p.error.issues[0]!.message });
  }
  return {
    batch: { runnerId: envelope.runnerId, progress, ...valid, evalSamples, evalResults, evalProgress },
    indexes,
    rejected,
  };
}

/** Describes rejected items in one line: "metrics.3.step: must be ≤ …; rollouts.0.completion: …". */
export function describeRejected(rejected: readonly RejectedIngestItem[], max = 10): string {
  const shown = rejected.slice(0, max).map((r) => `${r.item}.${r.field}: ${r.message}`);
  return shown.join('; ') + (rejected.length > max ? `; … (${rejected.length - max} more)` : '');
}

// U+0000, or a UTF-16 surrogate that is not part of a pair.
const REFUSED_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as PostgreSQL stores it: U+0000 (refused in TEXT and JSONB) and lone UTF-16 surrogates (not
 * encodable in UTF-8; JSONB refuses their escapes) become U+FFFD. Returns null when nothing changed.
 */
export function sanitizeText(text: string): { text: string; change: string } | null {
  let nul = 0;
  let surrogates = 0;
  const out = text.replace(REFUSED_TEXT, (m) => {
    if (m === '\u0000') nul++;
    else surrogates++;
    return '\uFFFD';
  });
  if (nul === 0 && surrogates === 0) return null;
  const parts = [nul ? `${nul} U+0000` : '', surrogates ? `${surrogates} lone surrogate${surrogates > 1 ? 's' : ''}` : ''].filter(Boolean);
  return { text: out, change: `${parts.join(' and ')} replaced by U+FFFD` };
}

/** Deep copy of a JSON-like value with every string (keys included) sanitised; notes go to `note(path, change)`. */
function sanitizeDeep(value: unknown, path: string, note: (field: string, change: string) => void): unknown {
  if (typeof value === 'string') {
    const s = sanitizeText(value);
    if (!s) return value;
    note(path, s.change);
    return s.text;
  }
  if (Array.isArray(value)) return value.map((v, i) => sanitizeDeep(v, path ? `${path}.${i}` : String(i), note));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const sk = sanitizeText(k);
      const key = sk ? sk.text : k;
      const childPath = path ? `${path}.${key}` : key;
      if (sk) note(childPath, `key: ${sk.change}`);
      out[key] = sanitizeDeep(v, childPath, note);
    }
    return out;
  }
  return value;
}

/** Any JSON-like value with every string sanitised (sanitizeText), and where each change was made. */
export function sanitizeJsonText<T>(value: T): { value: T; changes: { field: string; change: string }[] } {
  const changes: { field: string; change: string }[] = [];
  const clean = sanitizeDeep(value, '', (field, change) => changes.push({ field, change }));
  return { value: clean as T, changes };
}

/**
 * Replaces text PostgreSQL refuses in every string of a validated batch (metric keys, clip ids, completions,
 * think, answers, breakdowns, checkpoint paths and metadata, log lines). Pure. `indexes` maps items back to
 * their position in the request for the notes. A sanitised rollout also records the notes in its breakdown
 * (`ingestSanitized`), so its page says that the stored text differs from what the trainer wrote.
 */
export function sanitizeIngestBatch(batch: IngestBatch, indexes?: Record<IngestItemKind, number[]>): { batch: IngestBatch; sanitized: SanitizedIngestField[] } {
  const sanitized: SanitizedIngestField[] = [];
  const out = { ...batch };
  for (const kind of INGEST_ITEM_KINDS) {
    const items = batch[kind] as unknown[];
    (out[kind] as unknown[]) = items.map((item, i) => {
      const itemName = `${kind}.${indexes?.[kind][i] ?? i}`;
      const notes: SanitizedIngestField[] = [];
      const clean = sanitizeDeep(item, '', (field, change) => notes.push({ item: itemName, field, change }));
      if (notes.length === 0) return item;
      sanitized.push(...notes);
      if (kind === 'rollouts') {
        const r = clean as IngestBatch['rollouts'][number];
        const prior = r.breakdown !== null && typeof r.breakdown === 'object' && !Array.isArray(r.breakdown) ? (r.breakdown as Record<string, unknown>) : r.breakdown === undefined || r.breakdown === null ? {} : { value: r.breakdown };
        return { ...r, breakdown: { ...prior, ingestSanitized: notes.map((n) => `${n.field}: ${n.change}`) } };
      }
      return clean;
    });
  }
  // Evaluation records carry text too (predictions, references, judge reasons): the same rule applies.
  for (const kind of ['evalSamples', 'evalResults'] as const) {
    (out[kind] as unknown[]) = (batch[kind] as unknown[]).map((item, i) => {
      const clean = sanitizeDeep(item, '', (field, change) => sanitized.push({ item: `${kind}.${i}`, field, change }));
      return clean;
    });
  }
  return { batch: out, sanitized };
}

export const statusUpdateSchema = z.object({
  to: z.enum(RUN_STATUSES),
  reason: z.string().min(1).max(20_000),
  runnerId: z.string().max(200).optional(),
  summary: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** How the run's rewards are produced (core/scorer.ts); the runner sends it when the run starts. */
  scorer: scorerIdentitySchema.optional(),
});
export type StatusUpdate = z.infer<typeof statusUpdateSchema>;

/** Create a run from outside the browser (importers, scripts). */
export const createRunSchema = z.object({
  name: z.string().min(1).max(200),
  kind: z.enum(RUN_KINDS),
  backend: z.string().min(1).max(50),
  experiment: z.string().min(1).max(200).optional(),
  config: z.unknown().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  /** Steps the trainer planned (its max_steps), when known. */
  maxSteps: step.optional(),
  /** The scorer of the imported rewards, when the importer knows it (core/scorer.ts). */
  scorer: scorerIdentitySchema.optional(),
});
export type CreateRunInput = z.infer<typeof createRunSchema>;

/** What the events endpoint answers: counts of rows stored (inserted or updated), and what was not stored. */
export interface IngestResponse {
  metrics: number;
  rollouts: number;
  checkpoints: number;
  logs: number;
  /** Evaluation runs only. */
  evalSamples?: number;
  evalResults?: number;
  rejected: RejectedIngestItem[];
  sanitized: SanitizedIngestField[];
}

/** Judge cache over the ingest API (runner token): lookups and writes, batched. */
export const judgeCacheLookupSchema = z.object({ keys: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a key is a sha256 hex digest')).max(1000) });
export const judgeCachePutSchema = z.object({
  entries: z
    .array(
      z.object({
        key: z.string().regex(/^[0-9a-f]{64}$/, 'a key is a sha256 hex digest'),
        model: z.string().min(1).max(500),
        settings: z.object({ temperature: z.number().min(0).max(5), maxTokens: z.number().int().nullable() }),
        prompt: z.string().max(2_000_000),
        reply: z.string().max(2_000_000),
      }),
    )
    .max(1000),
});
