/**
 * DREAM-1K annotations (data/dream-1k/DREAM-1k.jsonl, from bytedance/tarsier; schema in SOURCE.md):
 * reference caption + human event list per clip. Videos are not included (videoPath null).
 *
 * DREAM-1K has no structured-think annotation; the paper made those with Qwen2.5-72B from captions.
 * Each clip's `think` here comes from core/heuristic-think.ts and is labelled with
 * `annotationSource` = HEURISTIC_THINK_SOURCE (heuristic-v2, "offline, wink-nlp tagger; not Qwen2.5-72B").
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { deriveStructuredThink, HEURISTIC_THINK_SOURCE } from '../../core/heuristic-think';
import type { ClipRecord } from '../../core/types';

/** Label of every `think` this loader produces. */
export const DREAM1K_ANNOTATION_SOURCE = HEURISTIC_THINK_SOURCE;

/** data/dream-1k/DREAM-1k.jsonl of this repository. */
export const DEFAULT_DREAM1K_PATH = fileURLToPath(new URL('../../data/dream-1k/DREAM-1k.jsonl', import.meta.url));

const contentSchema = z.object({
  type: z.string(),
  text: z.string().nullable().optional(),
  reference: z.string().nullable().optional(),
});

const lineSchema = z.object({
  vid: z.number().int(),
  idx: z.number().int().optional(),
  dataset: z.string(),
  messages: z
    .array(z.object({ role: z.string(), content: z.array(contentSchema) }))
    .min(2, 'expected a user and an assistant message'),
  extra_info: z.object({
    duration: z.number().nullable().optional(),
    events: z.array(z.string()).default([]),
    n_events: z.number().int().min(0).optional(),
    n_shots: z.number().int().min(0).optional(),
    n_subjects: z.number().int().min(0).optional(),
  }),
});

export interface Dream1kClip extends ClipRecord {
  vid: number;
  /** "DREAM/<subset>", e.g. "DREAM/movie_animation". */
  subset: string;
  /** Where `think` came from. */
  annotationSource: string;
  /** The annotation's extra_info.n_events / n_shots / n_subjects (AutoDQ breakdown buckets); null when absent. */
  nEvents: number | null;
  nShots: number | null;
  nSubjects: number | null;
}

export interface LoadDream1kOptions {
  /** JSONL file (default: the repository's copy). */
  path?: string;
  /** Keep the first N clips (file order). */
  limit?: number;
  /** Derive the heuristic structured-think annotation (default true; evaluations do not need it, and it costs ~1–2 ms per clip). */
  think?: boolean;
}

/** Parses DREAM-1K JSONL text; throws naming the line and field that is wrong. */
export function parseDream1k(text: string, options: { limit?: number; source?: string; think?: boolean } = {}): Dream1kClip[] {
  const out: Dream1kClip[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    if (options.limit !== undefined && out.length >= options.limit) break;
    const where = `${options.source ?? 'DREAM-1K'} line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new Error(`${where}: not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      throw new Error(`${where}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`);
    }
    const row = parsed.data;
    const caption = row.messages[1].content.find((c) => typeof c.reference === 'string')?.reference;
    if (!caption) throw new Error(`${where}: messages[1].content has no reference caption`);
    const events = row.extra_info.events.map((e) => e.trim()).filter((e) => e.length > 0);
    const think = options.think === false ? [] : deriveStructuredThink(caption, events);
    out.push({
      id: `dream-1k/${row.vid}`,
      vid: row.vid,
      subset: row.dataset,
      referenceCaption: caption,
      events,
      think: think.length > 0 ? think : null,
      videoPath: null,
      durationSec: row.extra_info.duration ?? null,
      annotationSource: HEURISTIC_THINK_SOURCE,
      nEvents: row.extra_info.n_events ?? null,
      nShots: row.extra_info.n_shots ?? null,
      nSubjects: row.extra_info.n_subjects ?? null,
    });
  }
  return out;
}

/** Loads DREAM-1K clips with heuristic structured-think annotations (synchronous: 1 MB, ~50 ms). */
export function loadDream1k(options: LoadDream1kOptions = {}): Dream1kClip[] {
  const path = options.path ?? DEFAULT_DREAM1K_PATH;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read DREAM-1K annotations at ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseDream1k(text, { limit: options.limit, source: path, think: options.think });
}

export interface ThinkCoverage {
  clips: number;
  /** Clips whose think has ≥ 1 subject with ≥ 1 action. */
  withSubjectAndAction: number;
  meanSubjects: number;
  meanActions: number;
  meanAttributes: number;
}

/** How much of a dataset the heuristic annotated (reported in the run log). */
export function thinkCoverage(clips: readonly ClipRecord[]): ThinkCoverage {
  let ok = 0;
  let subjects = 0;
  let actions = 0;
  let attributes = 0;
  for (const c of clips) {
    const t = c.think ?? [];
    if (t.some((s) => s.actions.length > 0)) ok++;
    subjects += t.length;
    for (const s of t) {
      actions += s.actions.length;
      attributes += s.attributes.length;
    }
  }
  const n = Math.max(1, clips.length);
  return { clips: clips.length, withSubjectAndAction: ok, meanSubjects: subjects / n, meanActions: actions / n, meanAttributes: attributes / n };
}
