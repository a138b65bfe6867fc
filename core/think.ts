/**
 * Parsing of a completion into its structured think and answer (paper §3.2.1, Fig. 4, Fig. 13):
 *
 *   <think>
 *   #Subject 1: name [attribute1, attribute2, ...], [action1, action2, ...]
 *   </think>
 *   <answer>caption</answer>
 *
 * The paper extracts subjects "through regular expression matching" (§3.2.2). Models emit many
 * near-misses of the format (Fig. 8 puts "#Subject 2" on the line of subject 1), so this parser is a
 * single left-to-right scan that tolerates them, never throws, and runs in linear time.
 */
import type { ThinkSubject } from './types';

export interface CompletionParts {
  /** Text inside <think>…</think> (untrimmed), null when there is none. */
  think: string | null;
  /** Text inside <answer>…</answer>, trimmed, null when there is none. */
  answer: string | null;
  /** What was irregular, e.g. "unterminated <answer>". Empty for a well-formed completion. */
  diagnostics: string[];
}

export interface StructuredThink {
  subjects: ThinkSubject[];
  diagnostics: string[];
}

/** At most this many diagnostics are kept per parse (garbage input would otherwise make thousands). */
const MAX_DIAGNOSTICS = 20;

function pushDiagnostic(diagnostics: string[], message: string, counter: { dropped: number }): void {
  if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(message);
  else counter.dropped++;
}

function finishDiagnostics(diagnostics: string[], counter: { dropped: number }): string[] {
  if (counter.dropped > 0) diagnostics.push(`… ${counter.dropped} more diagnostics omitted`);
  return diagnostics;
}

interface Tag {
  name: 'think' | 'answer';
  closing: boolean;
  start: number;
  end: number;
}

/** `<think>`, `</think>`, `<answer>`, `</answer>`, case-insensitive, optional inner whitespace. */
const TAG_RE = /<(\/?)\s*(think|answer)\s*>/gi;

function scanTags(text: string): Tag[] {
  const tags: Tag[] = [];
  TAG_RE.lastIndex = 0;
  for (let m = TAG_RE.exec(text); m !== null; m = TAG_RE.exec(text)) {
    tags.push({
      name: m[2].toLowerCase() === 'think' ? 'think' : 'answer',
      closing: m[1] === '/',
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  return tags;
}

function findTag(tags: Tag[], name: Tag['name'], closing: boolean, from: number): Tag | undefined {
  return tags.find((t) => t.name === name && t.closing === closing && t.start >= from);
}

export interface SplitOptions {
  /** The chat template prefilled `<think>` (core/format.ts): a think without its opening tag is expected. */
  prefilledThink?: boolean;
}

/**
 * Splits a completion into think and answer. Tolerant: a missing `<think>` before a `</think>`
 * (chat templates that pre-fill `<think>`) takes the text from the start — reported unless
 * `prefilledThink` says that is the template's layout; an unterminated block runs to the next block
 * or the end. Every irregularity is reported in `diagnostics`; whether the completion is well-formed
 * is `formatReward`'s job (core/format.ts), not this function's.
 */
export function splitCompletion(text: string, options: SplitOptions = {}): CompletionParts {
  const diagnostics: string[] = [];
  const tags = scanTags(text);
  let think: string | null = null;
  let answerFrom = 0;

  const thinkOpen = findTag(tags, 'think', false, 0);
  const thinkClose = findTag(tags, 'think', true, thinkOpen ? thinkOpen.end : 0);
  if (thinkOpen && thinkClose) {
    think = text.slice(thinkOpen.end, thinkClose.start);
    answerFrom = thinkClose.end;
  } else if (thinkOpen) {
    const nextAnswer = findTag(tags, 'answer', false, thinkOpen.end);
    const end = nextAnswer ? nextAnswer.start : text.length;
    think = text.slice(thinkOpen.end, end);
    answerFrom = end;
    diagnostics.push('unterminated <think>');
  } else if (thinkClose) {
    think = text.slice(0, thinkClose.start);
    answerFrom = thinkClose.end;
    if (!options.prefilledThink) diagnostics.push('</think> without <think>; think taken from the start');
  } else {
    diagnostics.push('no <think> block');
  }

  let answer: string | null = null;
  const answerOpen = findTag(tags, 'answer', false, answerFrom);
  if (answerOpen) {
    const answerClose = findTag(tags, 'answer', true, answerOpen.end);
    if (answerClose) {
      answer = text.slice(answerOpen.end, answerClose.start).trim();
    } else {
      answer = text.slice(answerOpen.end).trim();
      diagnostics.push('unterminated <answer>');
    }
  } else {
    diagnostics.push('no <answer> block');
  }

  const thinkCount = tags.filter((t) => t.name === 'think' && !t.closing).length;
  const answerCount = tags.filter((t) => t.name === 'answer' && !t.closing).length;
  if (thinkCount > 1) diagnostics.push(`${thinkCount} <think> tags; the first block is used`);
  if (answerCount > 1) diagnostics.push(`${answerCount} <answer> tags; the first block is used`);
  return { think, answer, diagnostics };
}

/** `[`, fullwidth `［`, `【`. */
function isOpener(code: number): boolean {
  return code === 0x5b || code === 0xff3b || code === 0x3010;
}

/** `]`, fullwidth `］`, `】`. */
function isCloser(code: number): boolean {
  return code === 0x5d || code === 0xff3d || code === 0x3011;
}

/** `,`, fullwidth `，`, ideographic `、`. */
function isItemSeparator(code: number): boolean {
  return code === 0x2c || code === 0xff0c || code === 0x3001;
}
const COLONS = new Set([':', '：']);
const HASHES = new Set(['#', '＃']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\u3000' || ch === '\u00a0' || ch === '\f' || ch === '\v';
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isWordChar(ch: string): boolean {
  return /[\p{L}\p{N}_]/u.test(ch);
}

interface Marker {
  /** Where the marker (including leading `#`/`*` and whitespace) starts. */
  start: number;
  /** First character after the marker's colon (and any `*`). */
  end: number;
  /** The number written after "Subject", when there is one. */
  label: string;
}

const SUBJECT_RE = /subject/gi;

function isLineBreak(ch: string): boolean {
  return ch === '\n' || ch === '\r';
}

/**
 * Finds "#Subject N:" markers. A marker is "Subject" (any case) with an optional number, and
 *  - a `#` before it (ASCII or fullwidth, optionally with `*`/spaces): "#Subject 1:", "#Subject: x",
 *    "#Subject 2 Dog […]" (without a colon it needs the number); such a marker may stand mid-line
 *    (Fig. 8 writes "#Subject 2" after subject 1's lists); or
 *  - no `#`: then it needs a number AND a colon, and must open a line ("Subject 1:", "**Subject 1:**")
 *    or directly follow the previous subject's lists ("…] Subject 2: Dog […]").
 * So prose such as "Focus on the subject: a woman walking." is never a marker.
 * Each backward/forward scan covers characters no other match covers, so the whole search is
 * linear in the text length.
 */
function findSubjectMarkers(text: string): Marker[] {
  const markers: Marker[] = [];
  SUBJECT_RE.lastIndex = 0;
  let lastEnd = 0;
  for (let m = SUBJECT_RE.exec(text); m !== null; m = SUBJECT_RE.exec(text)) {
    const wordStart = m.index;
    if (wordStart > 0 && isWordChar(text[wordStart - 1])) continue;
    let i = wordStart + m[0].length;
    if (i < text.length && /[\p{L}]/u.test(text[i])) continue; // "subjects", "subjective"
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
    const numberStart = i;
    while (i < text.length && isDigit(text[i])) i++;
    const label = text.slice(numberStart, i);
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '*')) i++;
    const hasColon = i < text.length && COLONS.has(text[i]);

    // Backwards on the marker's own line: `#`, `*`, spaces.
    let lineStart = wordStart;
    let hasHash = false;
    while (lineStart > lastEnd && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t' || text[lineStart - 1] === '\u3000' || HASHES.has(text[lineStart - 1]) || text[lineStart - 1] === '*')) {
      if (HASHES.has(text[lineStart - 1])) hasHash = true;
      lineStart--;
    }
    // Then over blank lines, to where the marker's segment starts and to what precedes it.
    let start = lineStart;
    while (start > lastEnd && isSpace(text[start - 1])) start--;
    const opensLine = lineStart === 0 || isLineBreak(text[lineStart - 1]);
    let before = start - 1;
    while (before >= lastEnd && before >= 0 && (isItemSeparator(text.charCodeAt(before)) || isSpace(text[before]))) before--;
    const followsLists = before >= 0 && isCloser(text.charCodeAt(before));

    const accepted = hasHash ? hasColon || label.length > 0 : label.length > 0 && hasColon && (opensLine || followsLists);
    if (!accepted) continue;
    if (hasColon) i++;
    while (i < text.length && text[i] === '*') i++;
    markers.push({ start, end: i, label });
    lastEnd = i;
  }
  return markers;
}

/** Strips what surrounds a name in model output ("Woman:", "**Dog** -") without touching its inside. */
function cleanName(raw: string): string {
  let s = raw.trim();
  let changed = true;
  while (changed && s.length > 0) {
    changed = false;
    const last = s[s.length - 1];
    if (last === ':' || last === '：' || last === '-' || last === '–' || last === '—' || last === ',' || last === '，' || last === '*') {
      s = s.slice(0, -1).trimEnd();
      changed = true;
    }
    if (s.startsWith('*')) {
      s = s.slice(1).trimStart();
      changed = true;
    }
  }
  return s;
}

interface SegmentParse {
  /** Text before the first top-level bracket (name, maybe a list label). */
  head: string;
  lists: string[][];
  /** gaps[k]: the text between list k − 1 (or the head) and list k; gaps[0] is unused (''). */
  gaps: string[];
  /** Text after the last list (or '' when there are no lists). */
  tail: string;
  unterminated: boolean;
  strayClosers: number;
}

/**
 * One subject segment: a head up to the first top-level bracket, then bracketed lists. Items split
 * at top-level commas; nested brackets stay inside their item ("holding a cup [red]").
 */
function parseSegment(segment: string): SegmentParse {
  let depth = 0;
  let nameEnd = -1;
  const lists: string[][] = [];
  const gaps: string[] = [];
  let current: string[] = [];
  let itemStart = 0;
  let lastClose = -1;
  let strayClosers = 0;

  const pushItem = (end: number) => {
    const item = segment.slice(itemStart, end).trim();
    if (item.length > 0) current.push(item);
  };

  for (let i = 0; i < segment.length; i++) {
    const ch = segment.charCodeAt(i);
    if (isOpener(ch)) {
      if (depth === 0) {
        if (nameEnd < 0) nameEnd = i;
        gaps.push(lastClose < 0 ? '' : segment.slice(lastClose + 1, i));
        current = [];
        itemStart = i + 1;
      }
      depth++;
    } else if (isCloser(ch)) {
      if (depth === 0) {
        strayClosers++;
        continue;
      }
      depth--;
      if (depth === 0) {
        pushItem(i);
        lists.push(current);
        lastClose = i;
      }
    } else if (depth === 1 && isItemSeparator(ch)) {
      pushItem(i);
      itemStart = i + 1;
    }
  }
  const unterminated = depth > 0;
  if (unterminated) {
    pushItem(segment.length);
    lists.push(current);
  }
  const head = nameEnd < 0 ? segment : segment.slice(0, nameEnd);
  const tail = unterminated || lastClose < 0 ? '' : segment.slice(lastClose + 1);
  return { head, lists, gaps, tail, unterminated, strayClosers };
}

type ListRole = 'attributes' | 'actions';

/** "Attributes:" / "Actions" (any case, optional colon) at the end of `text`, and what precedes it. */
const LIST_LABEL_RE = /(?:^|[\s,;，；*-])(attributes?|actions?)\s*\**\s*[:：]?\s*\**\s*$/iu;

function splitLabel(text: string): { rest: string; role: ListRole | null } {
  const m = LIST_LABEL_RE.exec(text);
  if (!m) return { rest: text, role: null };
  const role: ListRole = m[1].toLowerCase().startsWith('attribute') ? 'attributes' : 'actions';
  return { rest: text.slice(0, m.index + (m[0].length - m[0].trimStart().length)), role };
}

/** Separator-only text: whitespace and commas/semicolons/full stops (ASCII, fullwidth). */
function isSeparatorOnly(text: string): boolean {
  return /^[\s,;.，；。、]*$/u.test(text);
}

function countVisible(text: string): number {
  return text.trim().length;
}

/**
 * Reads one subject of the `#Subject N: name [attributes], [actions]` layout. The name is the first
 * line of the head; lists are taken in order (attributes, then actions) unless they carry labels
 * ("Attributes: […]", "Actions: […]"), which then decide. Everything else is reported.
 */
function readLineSubject(label: string, parsed: SegmentParse, report: (message: string) => void): ThinkSubject | null {
  const head = splitLabel(parsed.head);
  const roles: (ListRole | null)[] = [head.role];
  for (let k = 1; k < parsed.lists.length; k++) {
    const gap = splitLabel(parsed.gaps[k] ?? '');
    roles.push(gap.role);
    if (!isSeparatorOnly(gap.rest)) report(`subject ${label}: ignored ${countVisible(gap.rest)} characters between its lists`);
  }
  const headLines = head.rest.split(/\r?\n|\r/).map((l) => l.trim());
  const nameLine = headLines.findIndex((l) => l.length > 0);
  const name = nameLine < 0 ? '' : cleanName(headLines[nameLine]);
  const extra = nameLine < 0 ? '' : headLines.slice(nameLine + 1).join(' ').trim();
  if (extra.length > 0) report(`subject ${label}: ignored ${extra.length} characters between the name and its lists`);

  if (name.length === 0 && parsed.lists.every((l) => l.length === 0)) {
    report(`subject ${label}: empty, skipped`);
    return null;
  }
  if (parsed.unterminated) report(`subject ${label}: unterminated bracket`);
  if (parsed.strayClosers > 0) report(`subject ${label}: ${parsed.strayClosers} unmatched "]" ignored`);
  if (!isSeparatorOnly(parsed.tail)) report(`subject ${label}: ignored ${countVisible(parsed.tail)} characters after its lists`);
  if (name.length === 0) report(`subject ${label}: no name`);

  const lists = parsed.lists.slice(0, roles.length);
  const labelled = roles.some((r) => r !== null);
  let attributes: string[] | null = null;
  let actions: string[] | null = null;
  if (labelled) {
    report(`subject ${label}: lists read by their labels (${roles.map((r) => r ?? 'unlabelled').join(', ')}), not the "name [attributes], [actions]" layout`);
    lists.forEach((list, k) => {
      const role = roles[k];
      if (role === 'attributes' && attributes === null) attributes = list;
      else if (role === 'actions' && actions === null) actions = list;
      else if (role !== null) report(`subject ${label}: a second "${role}" list ignored`);
    });
    // Unlabelled lists fill what the labels left, in the Fig. 13 order.
    lists.forEach((list, k) => {
      if (roles[k] !== null) return;
      if (attributes === null) attributes = list;
      else if (actions === null) actions = list;
      else report(`subject ${label}: an unlabelled extra list ignored`);
    });
    if (attributes === null) report(`subject ${label}: no attributes list`);
    if (actions === null) report(`subject ${label}: no actions list`);
  } else {
    if (lists.length === 0) report(`subject ${label}: no [attributes], [actions] lists`);
    else if (lists.length === 1) report(`subject ${label}: one list found, read as attributes; no actions`);
    else if (lists.length > 2) report(`subject ${label}: ${lists.length} lists found, only the first two are used`);
    attributes = lists[0] ?? null;
    actions = lists[1] ?? null;
  }
  return { subject: name, attributes: attributes ?? [], actions: actions ?? [] };
}

/** Text without a ```json … ``` fence around it (the wrapper chat models add to JSON). */
function stripCodeFence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('```') || !trimmed.endsWith('```') || trimmed.length < 6) return text;
  const firstLineEnd = trimmed.indexOf('\n');
  if (firstLineEnd < 0 || !/^```[A-Za-z0-9_-]*\s*$/.test(trimmed.slice(0, firstLineEnd))) return text;
  return trimmed.slice(firstLineEnd + 1, -3);
}

/** Where a JSON list of objects starts: the first `[` whose next visible character is `{`. */
function findJsonListStart(text: string): number {
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    let j = i + 1;
    while (j < text.length && isSpace(text[j])) j++;
    if (text[j] === '{') return i;
  }
  return -1;
}

function stringItems(value: unknown, where: string, field: string, report: (message: string) => void): string[] {
  if (value === undefined) {
    report(`${where}: no "${field}" field`);
    return [];
  }
  if (!Array.isArray(value)) {
    report(`${where}: "${field}" is not a list`);
    return [];
  }
  const out: string[] = [];
  let skipped = 0;
  for (const item of value) {
    if (typeof item !== 'string') skipped++;
    else if (item.trim().length > 0) out.push(item.trim());
  }
  if (skipped > 0) report(`${where}: ${skipped} non-string "${field}" item${skipped === 1 ? '' : 's'} ignored`);
  return out;
}

/**
 * The JSON layout the paper's prompts also use (Fig. 5's output; Fig. 13 asks for "json format"):
 * `[{"subject": "Woman", "attributes": ["long hair"], "actions": ["lift a child"]}, …]`, optionally
 * in a code fence. Strict JSON (JSON.parse); a malformed document is one diagnostic, a malformed
 * element is reported and skipped (or, for a missing field, read as an empty list).
 */
function parseJsonThink(text: string, start: number, report: (message: string) => void): ThinkSubject[] | null {
  const end = text.lastIndexOf(']');
  if (end < start) return null;
  const before = text.slice(0, start).trim();
  const after = text.slice(end + 1).trim();
  let value: unknown;
  try {
    value = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    report(`JSON list: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
  if (!Array.isArray(value)) return null;
  if (before.length > 0) report(`ignored ${before.length} characters before the JSON list`);
  if (after.length > 0) report(`ignored ${after.length} characters after the JSON list`);
  const subjects: ThinkSubject[] = [];
  value.forEach((element: unknown, k) => {
    const where = `JSON item ${k + 1}`;
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      report(`${where}: not a {"subject", "attributes", "actions"} object, skipped`);
      return;
    }
    const record = element as Record<string, unknown>;
    const unknownKeys = Object.keys(record).filter((key) => key !== 'subject' && key !== 'attributes' && key !== 'actions');
    if (unknownKeys.length > 0) report(`${where}: ignored field${unknownKeys.length === 1 ? '' : 's'} ${unknownKeys.map((x) => `"${x}"`).join(', ')}`);
    let name = '';
    if (typeof record.subject === 'string') name = record.subject.trim();
    else report(`${where}: no "subject" string`);
    const attributes = stringItems(record.attributes, where, 'attributes', report);
    const actions = stringItems(record.actions, where, 'actions', report);
    if (name.length === 0 && attributes.length === 0 && actions.length === 0) {
      report(`${where}: empty, skipped`);
      return;
    }
    subjects.push({ subject: name, attributes, actions });
  });
  return subjects;
}

/**
 * Parses the structured think of Fig. 4 / Fig. 13 into subjects. Two layouts are read:
 *
 *  1. `#Subject N: name [attribute, …], [action, …]`, one subject per marker. Tolerated: missing `#`
 *     when the marker opens a line with a number and colon ("Subject 1:", "**Subject 1:**"), extra
 *     spaces and blank lines, several subjects on one line (Fig. 8), lists on the lines after the
 *     name, brackets nested inside items, fullwidth brackets/colons/commas, trailing commas, and
 *     labelled lists ("Attributes: […]" / "Actions: […]", on one line or several, read by their
 *     labels and reported). The name is one line: text between it and the lists is reported, never
 *     made part of it. The first list is the attributes, the second the actions (Fig. 13 order).
 *  2. A JSON list of `{"subject", "attributes", "actions"}` objects (see parseJsonThink), used when
 *     there is no subject marker.
 *
 * Everything else — prose before, between or after subjects, extra lists, text that mentions a
 * "subject:" in passing — is ignored and reported in `diagnostics`; it never creates a subject.
 * Items are trimmed and empty items dropped; nothing else is changed. Never throws; linear time.
 */
export function parseStructuredThink(thinkText: string): StructuredThink {
  const diagnostics: string[] = [];
  const counter = { dropped: 0 };
  const report = (message: string) => pushDiagnostic(diagnostics, message, counter);
  const subjects: ThinkSubject[] = [];
  const markers = findSubjectMarkers(thinkText);
  if (markers.length === 0) {
    const unfenced = stripCodeFence(thinkText);
    const jsonStart = findJsonListStart(unfenced);
    const json = jsonStart >= 0 ? parseJsonThink(unfenced, jsonStart, report) : null;
    if (json !== null) return { subjects: json, diagnostics: finishDiagnostics(diagnostics, counter) };
    if (thinkText.trim().length > 0) report('no "#Subject N:" marker and no JSON list of subjects found');
    else report('empty think');
    return { subjects, diagnostics: finishDiagnostics(diagnostics, counter) };
  }
  const preamble = thinkText.slice(0, markers[0].start).trim();
  if (preamble.length > 0) report(`ignored ${preamble.length} characters before the first subject`);

  for (let k = 0; k < markers.length; k++) {
    const marker = markers[k];
    const label = marker.label || String(k + 1);
    const segment = thinkText.slice(marker.end, k + 1 < markers.length ? markers[k + 1].start : thinkText.length);
    const subject = readLineSubject(label, parseSegment(segment), report);
    if (subject) subjects.push(subject);
  }
  return { subjects, diagnostics: finishDiagnostics(diagnostics, counter) };
}

/**
 * Writes subjects in the Fig. 13 training format, one "#Subject N:" line per subject. The layout
 * has no escaping: an item containing a top-level comma or an unbalanced bracket does not read back
 * as one item.
 */
export function formatStructuredThink(subjects: readonly ThinkSubject[]): string {
  return subjects
    .map((s, i) => `#Subject ${i + 1}: ${s.subject} [${s.attributes.join(', ')}], [${s.actions.join(', ')}]`)
    .join('\n');
}
