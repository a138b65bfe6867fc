/**
 * SIMULATED perception of a clip (the local backend has no video model): the candidate subjects,
 * attributes and actions a captioner "sees". A pool holds the clip's annotated elements (true) plus
 * distractors drawn from other clips' annotations, which stand for hallucinations. Each candidate has
 * a noisy "visual evidence" score, higher on average for true elements; the policy sees the evidence
 * and lexical features but never the `isTrue` flag (that is used only as the SFT target and for
 * diagnostics).
 */
import type { ClipRecord, ThinkSubject } from '../../../core/types';
import { hashString, Rng } from './rng';

export type CandidateType = 'subject' | 'attribute' | 'action';
export const CANDIDATE_TYPES: readonly CandidateType[] = ['subject', 'attribute', 'action'];

export interface SparseFeatures {
  idx: number[];
  val: number[];
}

export interface Candidate {
  type: CandidateType;
  text: string;
  /** Hidden from the policy. */
  isTrue: boolean;
  /** Simulated visual evidence (true ≈ N(+sep/2, 1), false ≈ N(−sep/2, 1), plus a per-clip offset). */
  evidence: number;
  features: SparseFeatures;
}

export interface PoolSubject {
  subject: Candidate;
  attributes: Candidate[];
  actions: Candidate[];
}

export interface PerceptionPool {
  clipId: string;
  subjects: PoolSubject[];
  /** The reference annotation the pool was built from. */
  reference: ThinkSubject[];
}

export interface PerceptionOptions {
  seed: number;
  /** Distractor candidates per clip (config.local.distractors). */
  distractors: number;
  /** Mean evidence gap between true and distractor candidates (in noise standard deviations). */
  evidenceSeparation?: number;
  /** Standard deviation of a per-clip evidence offset (some clips are "harder to see"). */
  clipOffsetStd?: number;
  /**
   * The perception-free control (config.local.perceptionFree): true elements and distractors get
   * evidence from the same distribution, so nothing the policy sees tells them apart. What the policy
   * can still learn — how many elements to list, the format, the think style, filler — is what raises
   * the curves without perception.
   */
  perceptionFree?: boolean;
}

/** Size of the hashed bag-of-words block of the candidate features. */
export const HASH_DIM = 32;
/** type one-hot (3) + evidence×type (3) + position×type (3) + evidence rank×type (3) + hashed words. */
export const DENSE_FEATURES = 12;
export const FEATURE_DIM = DENSE_FEATURES + HASH_DIM;
export const DEFAULT_EVIDENCE_SEPARATION = 2;
export const DEFAULT_CLIP_OFFSET_STD = 0.5;

const TYPE_INDEX: Record<CandidateType, number> = { subject: 0, attribute: 1, action: 2 };

/** Human-readable names of the feature slots (for checkpoints and debugging). */
export function featureNames(): string[] {
  const names: string[] = [];
  for (const block of ['bias', 'evidence', 'position', 'evidence_rank']) for (const t of CANDIDATE_TYPES) names.push(`${block}:${t}`);
  for (let i = 0; i < HASH_DIM; i++) names.push(`word_hash:${i}`);
  return names;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9'-]+/)
    .filter((w) => w.length > 0);
}

function candidateFeatures(type: CandidateType, evidence: number, position: number, evidenceRank: number, text: string): SparseFeatures {
  const t = TYPE_INDEX[type];
  const idx = [t, 3 + t, 6 + t, 9 + t];
  const val = [1, evidence, position, evidenceRank];
  const ws = words(text);
  const scale = ws.length > 0 ? 1 / Math.sqrt(ws.length) : 0;
  const hashed = new Map<number, number>();
  for (const w of ws) {
    const h = hashString(w);
    const bucket = DENSE_FEATURES + (h % HASH_DIM);
    const sign = (h >>> 31) & 1 ? -1 : 1;
    hashed.set(bucket, (hashed.get(bucket) ?? 0) + sign * scale);
  }
  for (const [i, v] of [...hashed.entries()].sort((a, b) => a[0] - b[0])) {
    idx.push(i);
    val.push(v);
  }
  return { idx, val };
}

interface RawCandidate {
  text: string;
  isTrue: boolean;
}

interface RawSubject {
  subject: RawCandidate;
  attributes: RawCandidate[];
  actions: RawCandidate[];
}

function insertAt<T>(list: T[], item: T, rng: Rng): void {
  list.splice(rng.int(list.length + 1), 0, item);
}

/**
 * Builds the simulated perception pool of `clip` (deterministic in `seed` and the clip id).
 * `donors` are other clips with annotations; distractors cycle action → attribute → subject.
 */
export function buildPerceptionPool(clip: ClipRecord, donors: readonly ClipRecord[], options: PerceptionOptions): PerceptionPool {
  const reference = clip.think ?? [];
  const rng = Rng.derive(options.seed, 'perception', clip.id);
  const separation = options.perceptionFree ? 0 : (options.evidenceSeparation ?? DEFAULT_EVIDENCE_SEPARATION);
  const offsetStd = options.clipOffsetStd ?? DEFAULT_CLIP_OFFSET_STD;

  const raw: RawSubject[] = reference.map((s) => ({
    subject: { text: s.subject, isTrue: true },
    attributes: s.attributes.map((a) => ({ text: a, isTrue: true })),
    actions: s.actions.map((a) => ({ text: a, isTrue: true })),
  }));
  const otherSubjects = donors.filter((d) => d.id !== clip.id && d.think && d.think.length > 0).flatMap((d) => d.think ?? []);
  const withAttributes = otherSubjects.filter((s) => s.attributes.length > 0);
  const has = (list: RawCandidate[], text: string) => list.some((c) => c.text.toLowerCase() === text.toLowerCase());

  if (raw.length > 0 && otherSubjects.length > 0) {
    for (let i = 0; i < options.distractors; i++) {
      const kind = (['action', 'attribute', 'subject'] as const)[i % 3];
      if (kind === 'subject') {
        const donor = rng.pick(otherSubjects);
        const sub: RawSubject = {
          subject: { text: donor.subject, isTrue: false },
          attributes: donor.attributes.length ? [{ text: rng.pick(donor.attributes), isTrue: false }] : [],
          actions: donor.actions.slice(0, 2).map((a) => ({ text: a, isTrue: false })),
        };
        insertAt(raw, sub, rng);
      } else {
        const target = rng.pick(raw.filter((s) => s.subject.isTrue));
        if (kind === 'attribute' && withAttributes.length > 0) {
          const text = rng.pick(rng.pick(withAttributes).attributes);
          if (!has(target.attributes, text)) insertAt(target.attributes, { text, isTrue: false }, rng);
        } else {
          const text = rng.pick(rng.pick(otherSubjects).actions);
          if (text && !has(target.actions, text)) insertAt(target.actions, { text, isTrue: false }, rng);
        }
      }
    }
  }

  const clipOffset = offsetStd * rng.normal();
  const evidenceOf = (c: RawCandidate) => clipOffset + (c.isTrue ? separation / 2 : -separation / 2) + rng.normal();
  const finish = (type: CandidateType, list: RawCandidate[]): Candidate[] => {
    const ev = list.map(evidenceOf);
    const sorted = [...ev].sort((a, b) => b - a);
    return list.map((c, i) => {
      const position = list.length > 1 ? i / (list.length - 1) : 0;
      // 1 for the strongest evidence among siblings, 0 for the weakest
      const rank = list.length > 1 ? 1 - sorted.indexOf(ev[i]) / (list.length - 1) : 1;
      return { type, text: c.text, isTrue: c.isTrue, evidence: ev[i], features: candidateFeatures(type, ev[i], position, rank, c.text) };
    });
  };
  const subjectCandidates = finish(
    'subject',
    raw.map((s) => s.subject),
  );
  return {
    clipId: clip.id,
    reference,
    subjects: raw.map((s, i) => ({
      subject: subjectCandidates[i],
      attributes: finish('attribute', s.attributes),
      actions: finish('action', s.actions),
    })),
  };
}
