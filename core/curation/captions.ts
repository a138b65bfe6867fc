/**
 * Pairing a captions JSONL (Tarsier2-Recap layout: one `{"video", "caption"}` per line, optionally
 * `"think"`) with the video files of a folder. Every problem is reported per clip with what and
 * where — a bad line, a caption whose video is missing, a video without a caption, an empty file —
 * and the good pairs go on. Pure: the caller lists the folder and reads the file.
 */
import { z } from 'zod';
import { parseStructuredThink } from '../think';
import type { ThinkSubject } from '../types';

/** File extensions read as videos (anything ffmpeg decodes; GIFs as in TGIF-derived sets). */
export const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.webm', '.mov', '.avi', '.m4v', '.mpg', '.mpeg', '.gif', '.flv', '.wmv', '.ts'] as const;

export function isVideoFile(name: string): boolean {
  const lower = name.toLowerCase();
  return VIDEO_EXTENSIONS.some((e) => lower.endsWith(e));
}

const thinkSubjectSchema = z.object({
  subject: z.string().trim().min(1, 'subject must not be empty'),
  attributes: z.array(z.string()).default([]),
  actions: z.array(z.string()),
});

export const captionLineSchema = z.object({
  video: z.string({ error: '"video" (a path relative to the videos folder) is required' }).trim().min(1, '"video" must not be empty'),
  caption: z.string({ error: '"caption" (a string) is required' }).trim().min(1, '"caption" must not be empty'),
  /** ThinkSubject[] or the structured-think text ("#Subject 1: …"). */
  think: z.union([z.array(thinkSubjectSchema), z.string()]).nullable().optional(),
  duration: z.number().positive().optional(),
});

/** A video file of the folder (path relative to it, with forward slashes). */
export interface VideoFileEntry {
  relPath: string;
  absPath: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface CurationCandidate {
  /** Input order: caption lines first (file order), then videos that have no caption line. */
  ordinal: number;
  /** The line's "video" value, a file's relative path, or "line N" for an unreadable line. */
  externalId: string;
  /** 1-based line of the captions file, null for a video without a caption. */
  line: number | null;
  caption: string | null;
  think: ThinkSubject[] | null;
  file: VideoFileEntry | null;
  /** The line's "duration" (seconds) when it gives one; probing measures it anyway. */
  durationSec: number | null;
  /** Why this clip cannot go on (then it stops at the input stage). */
  problem: string | null;
  /** Non-fatal notes (e.g. an unreadable "think" that will be annotated instead). */
  notes: string[];
}

function normalizeRel(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/');
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(line)'}: ${i.message}`).join('; ');
}

function readThink(value: ThinkSubject[] | string | null | undefined, notes: string[]): ThinkSubject[] | null {
  if (value === null || value === undefined) return null;
  let subjects: ThinkSubject[];
  if (typeof value === 'string') {
    const parsed = parseStructuredThink(value);
    subjects = parsed.subjects;
    if (parsed.diagnostics.length) notes.push(`think: ${parsed.diagnostics.join('; ')}`);
  } else {
    subjects = value.map((s) => ({ subject: s.subject.trim(), attributes: s.attributes.map((a) => a.trim()).filter(Boolean), actions: s.actions.map((a) => a.trim()).filter(Boolean) }));
  }
  const withActions = subjects.filter((s) => s.actions.length > 0);
  if (withActions.length === 0) {
    notes.push('think has no subject with an action: ignored (the clip is annotated instead)');
    return null;
  }
  return withActions;
}

/**
 * Pairs caption lines with video files. `videoDir` only names the folder in messages. A line's
 * "video" matches a file by its path relative to the folder, then by an absolute path inside it,
 * then by its file name when exactly one file has that name.
 */
export function pairCaptionsWithVideos(captionsText: string, files: readonly VideoFileEntry[], where: { captionsPath: string; videoDir: string }): CurationCandidate[] {
  const byRel = new Map<string, VideoFileEntry>();
  const byAbs = new Map<string, VideoFileEntry>();
  const byName = new Map<string, VideoFileEntry[]>();
  for (const f of files) {
    const rel = normalizeRel(f.relPath);
    byRel.set(rel, f);
    byAbs.set(normalizeRel(f.absPath), f);
    const name = rel.split('/').pop()!;
    const list = byName.get(name) ?? [];
    list.push(f);
    byName.set(name, list);
  }
  const used = new Map<string, number>(); // relPath → line that claimed it
  const out: CurationCandidate[] = [];
  const lines = captionsText.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const lineNo = i + 1;
    const at = `${where.captionsPath} line ${lineNo}`;
    const base = { ordinal: out.length, line: lineNo, notes: [] as string[], durationSec: null as number | null };
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      out.push({ ...base, externalId: `line ${lineNo}`, caption: null, think: null, file: null, problem: `${at}: not JSON (${e instanceof Error ? e.message : String(e)})` });
      continue;
    }
    const parsed = captionLineSchema.safeParse(json);
    if (!parsed.success) {
      const video = typeof (json as { video?: unknown })?.video === 'string' ? String((json as { video: string }).video) : `line ${lineNo}`;
      out.push({ ...base, externalId: video, caption: null, think: null, file: null, problem: `${at}: ${issues(parsed.error)}` });
      continue;
    }
    const row = parsed.data;
    const notes: string[] = [];
    base.durationSec = row.duration ?? null;
    const think = readThink(row.think, notes);
    const rel = normalizeRel(row.video);
    let file = byRel.get(rel) ?? byAbs.get(rel) ?? null;
    if (!file) {
      const candidates = byName.get(rel.split('/').pop()!) ?? [];
      if (candidates.length === 1) file = candidates[0];
      else if (candidates.length > 1) {
        out.push({ ...base, notes, externalId: row.video, caption: row.caption, think, file: null, problem: `${at}: video "${row.video}" is ambiguous: ${candidates.length} files in ${where.videoDir} have that name` });
        continue;
      }
    }
    if (!file) {
      out.push({ ...base, notes, externalId: row.video, caption: row.caption, think, file: null, problem: `${at}: caption without video — "${row.video}" is not in ${where.videoDir}` });
      continue;
    }
    const claimed = used.get(file.relPath);
    if (claimed !== undefined) {
      out.push({ ...base, notes, externalId: row.video, caption: row.caption, think, file: null, problem: `${at}: video "${row.video}" already has a caption (line ${claimed})` });
      continue;
    }
    used.set(file.relPath, lineNo);
    const problem = file.sizeBytes === 0 ? `${where.videoDir}/${file.relPath}: zero-length file (0 bytes)` : null;
    out.push({ ...base, notes, externalId: row.video, caption: row.caption, think, file, problem });
  }
  for (const f of files) {
    if (used.has(f.relPath)) continue;
    out.push({
      ordinal: out.length,
      externalId: f.relPath,
      line: null,
      caption: null,
      think: null,
      file: f,
      durationSec: null,
      problem: `${where.videoDir}/${f.relPath}: video without caption (no line of ${where.captionsPath} names it)`,
      notes: [],
    });
  }
  return out;
}
