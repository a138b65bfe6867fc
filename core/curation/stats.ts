/**
 * The maths of a curate run's page: histograms, the dynamicity selection rule and the funnel
 * (clips in and out of each stage). Pure: no I/O; used by the runner (to decide) and the server
 * (to summarise for the page), so both agree.
 */

/** The stages of a curate run, in order (paper Appendix C; "input" pairs captions with videos). */
export const CURATION_STAGES = ['input', 'duration', 'dynamicity', 'annotation', 'action'] as const;
export type CurationStageName = (typeof CURATION_STAGES)[number];
export const CURATION_OUTCOMES = ['pending', 'kept', 'rejected', 'error'] as const;
export type CurationOutcome = (typeof CURATION_OUTCOMES)[number];

export const STAGE_LABELS: Record<CurationStageName, string> = {
  input: 'Input (caption ↔ video)',
  duration: 'Duration (ffprobe)',
  dynamicity: 'Dynamicity (optical flow)',
  annotation: 'Structured-think annotation',
  action: 'Action-based filter',
};

export interface Histogram {
  /** Bin edges, length = bins + 1, ascending. */
  edges: number[];
  /** Values per bin; bin i covers [edges[i], edges[i+1]) and the last bin includes its right edge. */
  counts: number[];
  /** Values that were not finite (left out). */
  skipped: number;
}

/**
 * Equal-width histogram of the finite `values` over [min, max] (default: the data's range; a single
 * value gets a bin of width 1 around it). Values outside [min, max] go to the first / last bin.
 */
export function histogram(values: readonly number[], options: { bins?: number; min?: number; max?: number } = {}): Histogram {
  const bins = options.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be an integer ≥ 1, got ${bins}`);
  const finite = values.filter((v) => Number.isFinite(v));
  const skipped = values.length - finite.length;
  let lo = options.min ?? (finite.length ? Math.min(...finite) : 0);
  let hi = options.max ?? (finite.length ? Math.max(...finite) : 1);
  // One distinct value, or a range too narrow for `bins` distinct float edges: a unit-wide range around it.
  if (!(hi > lo) || (hi - lo) / bins < 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi))) {
    const mid = (lo + hi) / 2;
    lo = mid - 0.5;
    hi = mid + 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b]++;
  }
  return { edges, counts, skipped };
}

export type DynamicityRule = { rule: 'threshold'; threshold: number } | { rule: 'top-share'; topShare: number };

export interface DynamicitySelection {
  /** Per input score: kept or not. */
  keep: boolean[];
  /** The score a clip had to exceed (threshold rule) or the lowest kept score (top-share rule); null if none kept. */
  cutoff: number | null;
}

/**
 * Which clips pass the dynamicity stage. `threshold`: score strictly above the threshold.
 * `top-share`: the ceil(share × n) highest scores (ties broken by input order, so exactly that many).
 */
export function selectByDynamicity(scores: readonly number[], rule: DynamicityRule): DynamicitySelection {
  if (rule.rule === 'threshold') {
    return { keep: scores.map((s) => s > rule.threshold), cutoff: rule.threshold };
  }
  if (!(rule.topShare > 0 && rule.topShare <= 1)) throw new RangeError(`topShare must be in (0, 1], got ${rule.topShare}`);
  const k = Math.ceil(rule.topShare * scores.length);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const keep = new Array<boolean>(scores.length).fill(false);
  for (const i of order.slice(0, k)) keep[i] = true;
  return { keep, cutoff: k > 0 ? scores[order[k - 1]] : null };
}

export interface FunnelRow {
  stage: CurationStageName;
  /** Clips that entered the stage. */
  in: number;
  /** Clips that passed it (went on to the next stage, or were kept at the last). */
  out: number;
  rejected: number;
  errors: number;
  /** Clips still in this stage (run in progress). */
  pending: number;
}

/**
 * Clips in and out of each stage, from each clip's last stage and outcome (or from grouped rows
 * with a `count`). A clip whose last stage is j entered stages 0..j and passed 0..j-1; at the last
 * stage "kept" counts as passing. Throws RangeError for an unknown stage or outcome.
 */
export function curationFunnel(clips: readonly { stage: string; outcome: string; count?: number }[]): FunnelRow[] {
  const rows: FunnelRow[] = CURATION_STAGES.map((stage) => ({ stage, in: 0, out: 0, rejected: 0, errors: 0, pending: 0 }));
  const last = CURATION_STAGES.length - 1;
  for (const c of clips) {
    const j = CURATION_STAGES.indexOf(c.stage as CurationStageName);
    if (j < 0) throw new RangeError(`unknown curation stage "${c.stage}"`);
    const n = c.count ?? 1;
    for (let i = 0; i <= j; i++) rows[i].in += n;
    for (let i = 0; i < j; i++) rows[i].out += n;
    if (c.outcome === 'kept') {
      if (j !== last) throw new RangeError(`a clip can only be kept at the last stage, got kept at "${c.stage}"`);
      rows[j].out += n;
    } else if (c.outcome === 'rejected') rows[j].rejected += n;
    else if (c.outcome === 'error') rows[j].errors += n;
    else if (c.outcome === 'pending') rows[j].pending += n;
    else throw new RangeError(`unknown curation outcome "${c.outcome}"`);
  }
  return rows;
}

/**
 * Inventory size after each visited clip, from each visited clip's number of new action types in
 * walk order; reduced to at most `maxPoints` points (always keeping the first and the last) for a chart.
 */
export function inventoryGrowthSeries(newTypeCounts: readonly number[], maxPoints = 400): { rank: number; inventory: number; kept: number }[] {
  const out: { rank: number; inventory: number; kept: number }[] = [];
  const every = Math.max(1, Math.ceil(newTypeCounts.length / maxPoints));
  let inventory = 0;
  let kept = 0;
  for (let i = 0; i < newTypeCounts.length; i++) {
    inventory += newTypeCounts[i];
    if (newTypeCounts[i] > 0) kept++;
    if (i % every === 0 || i === newTypeCounts.length - 1) out.push({ rank: i + 1, inventory, kept });
  }
  return out;
}
