/**
 * The LLM-free think scorer, Tscore (paper §3.2.2, Eqs. 2–6).
 *
 * Item level (Eqs. 2–3): similarity of a predicted and a reference item is the dot product of
 * their L2-normalised embeddings; entries below δ are set to 0; the optimal one-to-one assignment
 * A maximises the total (linearSumAssignment); P = Σ_A SIM / n (n predicted items),
 * R = Σ_A SIM / m (m reference items), F1 = 2PR / (P + R) (0 when P + R = 0).
 * Entity level (Eqs. 4–5): sim(p_I, g_J) = F1(attr) + F1(act) + sim(name_I, name_J); the optimal
 * entity assignment A; P_overall = (1/N) Σ_A P, R_overall = (1/M) Σ_A R, for actions and for
 * attributes. Eq. 6: Tscore = 0.6 · F1_overall_act + 0.4 · F1_overall_attr.
 *
 * Decisions the paper leaves open:
 *  - δ applies to item similarities only (as in Eq. 2). Name similarity in Eq. 4 is the raw dot
 *    product, floored at 0 so an opposite-direction name cannot cancel a good list match;
 *    `nameThreshold` (default 0, i.e. none) can apply a δ to names as well.
 *  - Empty lists (Eq. 3 divides by n and m, so 0/0 is undefined): an empty predicted list against an
 *    empty reference list is a perfect match, P = R = F1 = 1 (a subject annotated with no attributes
 *    is matched exactly by a prediction with none, so a verbatim copy of the reference scores 1);
 *    an empty list against a non-empty one gives P = R = F1 = 0 for that pair. This applies in
 *    Eq. 4 (entity similarity) and Eq. 5 (the P and R summed over the assignment).
 *  - No predicted or no reference subjects gives Tscore 0 (an empty reference think is no
 *    annotation to copy, and an empty prediction must not earn the reward).
 *  - Similarities within 1e-6 below δ count as at δ (float32 embeddings round 0.5 to 0.4999999x).
 *  - An empty string, or a string the lookup has no embedding for, has similarity 0 to everything.
 *
 * Pure: embeddings come in through `embed` (a lookup over vectors the provider computed).
 */
import type { ThinkSubject } from './types';
import { linearSumAssignment } from './assignment';

/**
 * Embedding of a text, or undefined when none was computed (then its similarities are 0).
 * Vectors need not be normalised; they must not be mutated once returned (norms are memoised
 * per vector object).
 */
export type EmbeddingLookup = (text: string) => ArrayLike<number> | undefined;

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

/** One matched pair of items (Eq. 2) with its (thresholded) similarity. */
export interface ItemMatch {
  pred: string;
  ref: string;
  sim: number;
}

/** Eq. 3 for one pair of item lists, with what matched and what did not. */
export interface ItemListScore extends PRF {
  matches: ItemMatch[];
  unmatchedPred: string[];
  unmatchedRef: string[];
}

/** One pair of the entity assignment (Eq. 4–5). */
export interface EntityMatch {
  pred: number;
  ref: number;
  predName: string;
  refName: string;
  /** sim(p_I, g_J) of Eq. 4. */
  sim: number;
  nameSim: number;
  action: ItemListScore;
  attribute: ItemListScore;
}

/** Everything that explains a Tscore; JSON-serialisable (similarities rounded to 4 decimals). */
export interface TscoreBreakdown {
  tscore: number;
  action: PRF;
  attribute: PRF;
  entities: EntityMatch[];
  /** Indices of predicted / reference subjects left out of the entity assignment. */
  unmatchedPredSubjects: number[];
  unmatchedRefSubjects: number[];
  simThreshold: number;
  /** Non-empty strings without an embedding (scored as similarity 0). Omitted when 0. */
  missingEmbeddings?: number;
}

export interface TscoreOptions {
  /** δ of Eq. 2 (default 0.5). */
  simThreshold?: number;
  /** Optional δ for name similarity (default 0: the paper thresholds items only). */
  nameThreshold?: number;
  /**
   * Cache of item-pair similarities shared across calls. Use one per embedding model: the reference
   * items of a group are the same for its G samples and predicted items repeat across samples and
   * steps, so a repeated pair costs a lookup instead of a d-dimensional dot product.
   */
  similarityCache?: SimilarityCache;
}

/**
 * Bounded map of cosine similarities keyed by the (unordered) text pair. Pure data: no I/O.
 * When full it starts over (cheap, and recent pairs refill it within a batch).
 */
export class SimilarityCache {
  private ids = new Map<string, number>();
  private pairs = new Map<number, number>();
  hits = 0;
  misses = 0;
  constructor(readonly maxEntries = 1_000_000) {}
  /** A small integer per text, so a pair key is one number (no string building per lookup). */
  textId(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.ids.size >= 1 << 25) this.clear();
      id = this.ids.size;
      this.ids.set(text, id);
    }
    return id;
  }
  /** Similarity of two text ids, or undefined. */
  get(a: number, b: number): number | undefined {
    const v = this.pairs.get(a < b ? a * 33_554_432 + b : b * 33_554_432 + a);
    if (v === undefined) this.misses++;
    else this.hits++;
    return v;
  }
  set(a: number, b: number, sim: number): void {
    if (this.pairs.size >= this.maxEntries) this.pairs.clear();
    this.pairs.set(a < b ? a * 33_554_432 + b : b * 33_554_432 + a, sim);
  }
  /** Forget everything (text ids too); a VectorTable built before must not be used with it after. */
  clear(): void {
    this.ids.clear();
    this.pairs.clear();
  }
  get size(): number {
    return this.pairs.size;
  }
}

export const DEFAULT_SIM_THRESHOLD = 0.5;
/** Eq. 6 coefficients. */
export const TSCORE_ACTION_WEIGHT = 0.6;
export const TSCORE_ATTRIBUTE_WEIGHT = 0.4;

const THRESHOLD_TOLERANCE = 1e-6;

/** F1 = 2PR / (P + R), 0 when P + R = 0. */
export function f1Score(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

interface VectorInfo {
  /** 1/|v|, 0 when the vector is unusable (empty, all zeros, non-finite). */
  invNorm: number;
  /** Non-zero entries when at most 1/4 of the entries are non-zero. */
  sparseIndex: Int32Array | null;
  sparseValue: Float64Array | null;
}

/**
 * Norm and sparsity of each vector object, computed once per object: providers hand out the
 * same cached arrays again and again, so rescanning them per completion would dominate the cost.
 * Keyed by identity (a WeakMap), so it is invisible to callers as long as vectors are not mutated
 * after being looked up, which providers never do.
 */
const VECTOR_INFO = new WeakMap<object, VectorInfo>();

function vectorInfo(v: ArrayLike<number>): VectorInfo {
  const cached = VECTOR_INFO.get(v);
  if (cached) return cached;
  let norm = 0;
  let nonZero = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    norm += x * x;
    if (x !== 0) nonZero++;
  }
  const usable = norm > 0 && Number.isFinite(norm);
  const info: VectorInfo = { invNorm: usable ? 1 / Math.sqrt(norm) : 0, sparseIndex: null, sparseValue: null };
  if (usable && nonZero * 4 <= v.length) {
    const idx = new Int32Array(nonZero);
    const val = new Float64Array(nonZero);
    for (let i = 0, j = 0; i < v.length; i++) {
      if (v[i] !== 0) {
        idx[j] = i;
        val[j++] = v[i];
      }
    }
    info.sparseIndex = idx;
    info.sparseValue = val;
  }
  VECTOR_INFO.set(v, info);
  return info;
}

/**
 * Each distinct text once, with its inverse norm; similarity = dot · (1/|a|) · (1/|b|). Sparse
 * vectors (≤ 1/4 non-zero, e.g. hashed lexical features) are dotted over their non-zero entries,
 * so a product costs the smaller non-zero count instead of the dimension.
 */
class VectorTable {
  private readonly vectors: (ArrayLike<number> | null)[] = [];
  private readonly invNorms: number[] = [];
  private readonly sparseIndex: (Int32Array | null)[] = [];
  private readonly sparseValue: (Float64Array | null)[] = [];
  private readonly index = new Map<string, number>();
  /** SimilarityCache id of each text (when a cache is used). */
  private readonly cacheIds: number[] = [];
  missing = 0;

  constructor(
    private readonly embed: EmbeddingLookup,
    private readonly cache: SimilarityCache | null = null,
  ) {}

  id(text: string): number {
    let k = this.index.get(text);
    if (k !== undefined) return k;
    k = this.vectors.length;
    this.index.set(text, k);
    if (this.cache !== null) this.cacheIds.push(this.cache.textId(text));
    const v = text.length > 0 ? this.embed(text) : undefined;
    if (v === undefined && text.length > 0) this.missing++;
    const info = v !== undefined ? vectorInfo(v) : null;
    const usable = v !== undefined && info !== null && info.invNorm > 0;
    this.vectors.push(usable ? v : null);
    this.invNorms.push(usable ? info.invNorm : 0);
    this.sparseIndex.push(usable ? info.sparseIndex : null);
    this.sparseValue.push(usable ? info.sparseValue : null);
    return k;
  }

  /**
   * Cosine similarities of `a` with each of `bs`, written to out[offset + j]. Same values as
   * `sim`, but writing into a typed array avoids boxing one number per call in the hot loop.
   */
  simRow(a: number, bs: readonly number[], out: Float64Array, offset: number): void {
    const sparseA = this.sparseIndex[a] !== null;
    for (let j = 0; j < bs.length; j++) {
      const b = bs[j];
      if (this.vectors[a] === null || this.vectors[b] === null) {
        out[offset + j] = 0;
        continue;
      }
      if (a === b) {
        out[offset + j] = 1;
        continue;
      }
      // Only dense pairs are worth caching: a sparse dot product is cheaper than the lookup.
      const cacheable = this.cache !== null && !sparseA && this.sparseIndex[b] === null;
      let cached: number | undefined;
      if (cacheable && (cached = this.cache!.get(this.cacheIds[a], this.cacheIds[b])) !== undefined) {
        out[offset + j] = cached;
        continue;
      }
      const sim = this.cosine(a, b);
      out[offset + j] = sim;
      if (cacheable) this.cache!.set(this.cacheIds[a], this.cacheIds[b], sim);
    }
  }

  /** Cosine similarity clamped to [-1, 1]; 0 when either side has no vector. */
  sim(a: number, b: number): number {
    if (this.vectors[a] === null || this.vectors[b] === null) return 0;
    if (a === b) return 1;
    return this.cosine(a, b);
  }

  /** Cosine of two ids that both have vectors (clamped to [-1, 1]). */
  private cosine(a: number, b: number): number {
    const x = this.vectors[a]!;
    const y = this.vectors[b]!;
    let dot = 0;
    const ia = this.sparseIndex[a];
    const ib = this.sparseIndex[b];
    if (ia !== null || ib !== null) {
      // Iterate the sparser side's non-zeros against the other side's dense vector.
      const useA = ia !== null && (ib === null || ia.length <= ib.length);
      const idx = (useA ? ia : ib) as Int32Array;
      const val = (useA ? this.sparseValue[a] : this.sparseValue[b]) as Float64Array;
      const other = useA ? y : x;
      const n = other.length;
      for (let k = 0; k < idx.length; k++) if (idx[k] < n) dot += val[k] * other[idx[k]];
    } else {
      const n = Math.min(x.length, y.length);
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      // Four accumulators: independent additions pipeline instead of waiting on each other.
      for (; i + 3 < n; i += 4) {
        s0 += x[i] * y[i];
        s1 += x[i + 1] * y[i + 1];
        s2 += x[i + 2] * y[i + 2];
        s3 += x[i + 3] * y[i + 3];
      }
      for (; i < n; i++) s0 += x[i] * y[i];
      dot = s0 + s1 + (s2 + s3);
    }
    const s = dot * this.invNorms[a] * this.invNorms[b];
    return s > 1 ? 1 : s < -1 ? -1 : s;
  }
}

interface ListMatch {
  sum: number;
  /** Assigned pairs with sim > 0, flat: predIndex, refIndex, sim, predIndex, refIndex, sim, … */
  pairs: number[];
}

const NO_MATCH: ListMatch = Object.freeze({ sum: 0, pairs: [] }) as ListMatch;

// Scratch buffers reused across calls (single-threaded; never escape matchLists).
let simScratch = new Float64Array(256);
let rowScratch = new Int32Array(32);
let colScratch = new Int32Array(32);

/**
 * Eq. 2: thresholded similarity matrix and its optimal assignment. Rows and columns without a
 * similarity ≥ δ cannot add to the total, so the assignment is solved on the rest only, and not
 * at all when the surviving entries already form a matching (each row and column has one).
 */
function matchLists(table: VectorTable, pred: number[], ref: number[], threshold: number): ListMatch {
  const n = pred.length;
  const m = ref.length;
  if (n === 0 || m === 0) return NO_MATCH;
  if (simScratch.length < n * m) simScratch = new Float64Array(2 * n * m);
  if (rowScratch.length < n) rowScratch = new Int32Array(2 * n);
  if (colScratch.length < m) colScratch = new Int32Array(2 * m);
  const sims = simScratch;
  const rowCount = rowScratch;
  const colCount = colScratch;
  rowCount.fill(0, 0, n);
  colCount.fill(0, 0, m);
  const cutoff = threshold - THRESHOLD_TOLERANCE;
  let positive = 0;
  let conflict = false;
  for (let i = 0; i < n; i++) {
    table.simRow(pred[i], ref, sims, i * m);
    for (let j = 0; j < m; j++) {
      const s = sims[i * m + j];
      if (s >= cutoff && s > 0) {
        positive++;
        rowCount[i]++;
        colCount[j]++;
        if (rowCount[i] > 1 || colCount[j] > 1) conflict = true;
      } else {
        sims[i * m + j] = 0;
      }
    }
  }
  if (positive === 0) return NO_MATCH;
  const pairs: number[] = [];
  let sum = 0;
  if (!conflict) {
    for (let k = 0; k < n * m; k++) {
      const s = sims[k];
      if (s > 0) {
        pairs.push(Math.floor(k / m), k % m, s);
        sum += s;
      }
    }
    return { sum, pairs };
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) if (rowCount[i] > 0) rows.push(i);
  for (let j = 0; j < m; j++) if (colCount[j] > 0) cols.push(j);
  const reduced = new Float64Array(rows.length * cols.length);
  for (let a = 0; a < rows.length; a++) {
    for (let b = 0; b < cols.length; b++) reduced[a * cols.length + b] = sims[rows[a] * m + cols[b]];
  }
  const { rowInd, colInd } = linearSumAssignment({ rows: rows.length, cols: cols.length, data: reduced }, { maximize: true });
  for (let k = 0; k < rowInd.length; k++) {
    const s = reduced[rowInd[k] * cols.length + colInd[k]];
    if (s > 0) {
      pairs.push(rows[rowInd[k]], cols[colInd[k]], s);
      sum += s;
    }
  }
  return { sum, pairs };
}

/** F1 of one list pair from its matched sum (Eq. 3): 1 when both lists are empty, 0 when one is. */
function pairF1(match: ListMatch, n: number, m: number): number {
  if (n === 0 && m === 0) return 1;
  return n > 0 && m > 0 ? f1Score(match.sum / n, match.sum / m) : 0;
}

function listScore(match: ListMatch, predTexts: readonly string[], refTexts: readonly string[]): ItemListScore {
  const n = predTexts.length;
  const m = refTexts.length;
  // Both empty: a perfect match (see the module doc); one empty: 0.
  const bothEmpty = n === 0 && m === 0;
  const precision = bothEmpty ? 1 : n > 0 && m > 0 ? match.sum / n : 0;
  const recall = bothEmpty ? 1 : n > 0 && m > 0 ? match.sum / m : 0;
  const usedPred = new Uint8Array(n);
  const usedRef = new Uint8Array(m);
  const matches: ItemMatch[] = [];
  const p = match.pairs;
  for (let k = 0; k < p.length; k += 3) {
    usedPred[p[k]] = 1;
    usedRef[p[k + 1]] = 1;
    matches.push({ pred: predTexts[p[k]], ref: refTexts[p[k + 1]], sim: round4(p[k + 2]) });
  }
  return {
    precision,
    recall,
    f1: f1Score(precision, recall),
    matches,
    unmatchedPred: predTexts.filter((_, i) => usedPred[i] === 0),
    unmatchedRef: refTexts.filter((_, j) => usedRef[j] === 0),
  };
}

function checkThreshold(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
}

/**
 * Eqs. 2–3 for one pair of item lists (e.g. predicted vs reference actions of one entity).
 * Two empty lists score P = R = F1 = 1; one empty list against a non-empty one scores 0.
 */
export function itemListScore(
  predItems: readonly string[],
  refItems: readonly string[],
  embed: EmbeddingLookup,
  options: { simThreshold?: number; similarityCache?: SimilarityCache } = {},
): ItemListScore {
  const threshold = options.simThreshold ?? DEFAULT_SIM_THRESHOLD;
  checkThreshold('simThreshold', threshold);
  const table = new VectorTable(embed, options.similarityCache ?? null);
  const match = matchLists(table, predItems.map((t) => table.id(t)), refItems.map((t) => table.id(t)), threshold);
  return listScore(match, predItems, refItems);
}

function emptyBreakdown(threshold: number, nPred: number, nRef: number): TscoreBreakdown {
  return {
    tscore: 0,
    action: { precision: 0, recall: 0, f1: 0 },
    attribute: { precision: 0, recall: 0, f1: 0 },
    entities: [],
    unmatchedPredSubjects: Array.from({ length: nPred }, (_, i) => i),
    unmatchedRefSubjects: Array.from({ length: nRef }, (_, i) => i),
    simThreshold: threshold,
  };
}

/**
 * Tscore of a predicted structured think against the reference (Eqs. 2–6), with its breakdown.
 */
export function thinkScore(
  pred: readonly ThinkSubject[],
  ref: readonly ThinkSubject[],
  embed: EmbeddingLookup,
  options: TscoreOptions = {},
): TscoreBreakdown {
  const threshold = options.simThreshold ?? DEFAULT_SIM_THRESHOLD;
  const nameThreshold = options.nameThreshold ?? 0;
  checkThreshold('simThreshold', threshold);
  checkThreshold('nameThreshold', nameThreshold);
  const N = pred.length;
  const M = ref.length;
  if (N === 0 || M === 0) return emptyBreakdown(threshold, N, M);

  const table = new VectorTable(embed, options.similarityCache ?? null);
  const ids = (subjects: readonly ThinkSubject[]) =>
    subjects.map((s) => ({
      name: table.id(s.subject),
      attributes: s.attributes.map((t) => table.id(t)),
      actions: s.actions.map((t) => table.id(t)),
    }));
  const predIds = ids(pred);
  const refIds = ids(ref);

  // Every entity pair's list matches (Σ_I Σ_J n_I·m_J similarities in total), kept for Eq. 5.
  const actionMatches: ListMatch[] = new Array(N * M);
  const attributeMatches: ListMatch[] = new Array(N * M);
  const nameSims = new Float64Array(N * M);
  const entitySims = new Float64Array(N * M);
  for (let I = 0; I < N; I++) {
    for (let J = 0; J < M; J++) {
      const k = I * M + J;
      const act = matchLists(table, predIds[I].actions, refIds[J].actions, threshold);
      const attr = matchLists(table, predIds[I].attributes, refIds[J].attributes, threshold);
      actionMatches[k] = act;
      attributeMatches[k] = attr;
      const rawName = table.sim(predIds[I].name, refIds[J].name);
      const nameSim = rawName >= nameThreshold - THRESHOLD_TOLERANCE && rawName > 0 ? rawName : 0;
      nameSims[k] = nameSim;
      entitySims[k] =
        pairF1(attr, predIds[I].attributes.length, refIds[J].attributes.length) +
        pairF1(act, predIds[I].actions.length, refIds[J].actions.length) +
        nameSim;
    }
  }

  const { rowInd, colInd } = linearSumAssignment({ rows: N, cols: M, data: entitySims }, { maximize: true });
  const entities: EntityMatch[] = [];
  let actP = 0;
  let actR = 0;
  let attrP = 0;
  let attrR = 0;
  for (let k = 0; k < rowInd.length; k++) {
    const I = rowInd[k];
    const J = colInd[k];
    const action = listScore(actionMatches[I * M + J], pred[I].actions, ref[J].actions);
    const attribute = listScore(attributeMatches[I * M + J], pred[I].attributes, ref[J].attributes);
    actP += action.precision;
    actR += action.recall;
    attrP += attribute.precision;
    attrR += attribute.recall;
    entities.push({
      pred: I,
      ref: J,
      predName: pred[I].subject,
      refName: ref[J].subject,
      sim: round4(entitySims[I * M + J]),
      nameSim: round4(nameSims[I * M + J]),
      action,
      attribute,
    });
  }
  const actionPrf: PRF = { precision: actP / N, recall: actR / M, f1: f1Score(actP / N, actR / M) };
  const attributePrf: PRF = { precision: attrP / N, recall: attrR / M, f1: f1Score(attrP / N, attrR / M) };
  const usedPred = new Set(rowInd);
  const usedRef = new Set(colInd);
  const breakdown: TscoreBreakdown = {
    tscore: TSCORE_ACTION_WEIGHT * actionPrf.f1 + TSCORE_ATTRIBUTE_WEIGHT * attributePrf.f1,
    action: actionPrf,
    attribute: attributePrf,
    entities,
    unmatchedPredSubjects: pred.map((_, i) => i).filter((i) => !usedPred.has(i)),
    unmatchedRefSubjects: ref.map((_, j) => j).filter((j) => !usedRef.has(j)),
    simThreshold: threshold,
  };
  if (table.missing > 0) breakdown.missingEmbeddings = table.missing;
  return breakdown;
}
