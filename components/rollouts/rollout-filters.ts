/**
 * The rollout browser's filters, kept in the URL like the charts' view state (core/view-state.ts),
 * so a filtered view can be reloaded, shared and gone back to:
 *
 *   ?stepMin=10&stepMax=40&rewardMin=1.5&failures=1&adv=positive&sort=reward&order=asc&gstep=12&group=12:0:dream-1k/7 (step:group:clip)
 *
 * Inputs keep the text as typed (an unfinished "1." stays), parsing is tolerant (a bad value is
 * reported, never thrown) and defaults are omitted from the URL. Pure, so it is unit-tested.
 */

export const ADVANTAGE_SIGNS = ['positive', 'negative', 'zero'] as const;
export const ROLLOUT_SORTS = ['step', 'reward', 'advantage', 'length'] as const;

export interface RolloutFilterState {
  stepMin: string;
  stepMax: string;
  rewardMin: string;
  rewardMax: string;
  formatFailures: boolean;
  advantageSign: '' | (typeof ADVANTAGE_SIGNS)[number];
  sort: (typeof ROLLOUT_SORTS)[number];
  order: 'asc' | 'desc';
  /** Step filter of the group list. */
  groupStep: string;
  /** The selected (step, group, clip) group; groupIndex is absent in links written before groups had one. */
  group: { step: number; groupIndex?: number; clipId: string } | null;
}

/** URL parameter of each field. */
export const ROLLOUT_FILTER_PARAMS = {
  stepMin: 'stepMin',
  stepMax: 'stepMax',
  rewardMin: 'rewardMin',
  rewardMax: 'rewardMax',
  formatFailures: 'failures',
  advantageSign: 'adv',
  sort: 'sort',
  order: 'order',
  groupStep: 'gstep',
  group: 'group',
} as const;

export function defaultRolloutFilters(): RolloutFilterState {
  return { stepMin: '', stepMax: '', rewardMin: '', rewardMax: '', formatFailures: false, advantageSign: '', sort: 'step', order: 'desc', groupStep: '', group: null };
}

type ParamsLike = { get(name: string): string | null };

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The filter state in `params` (URLSearchParams or Next's ReadonlyURLSearchParams); unknown values → defaults. */
export function parseRolloutFilters(params: ParamsLike): RolloutFilterState {
  const d = defaultRolloutFilters();
  const P = ROLLOUT_FILTER_PARAMS;
  const text = (name: string) => (params.get(name) ?? '').slice(0, 40);
  const group = params.get(P.group);
  const m3 = group ? /^(\d+):(\d+):(.+)$/.exec(group) : null;
  const m = m3 ? null : group ? /^(\d+):(.+)$/.exec(group) : null;
  return {
    stepMin: text(P.stepMin),
    stepMax: text(P.stepMax),
    rewardMin: text(P.rewardMin),
    rewardMax: text(P.rewardMax),
    formatFailures: params.get(P.formatFailures) === '1',
    advantageSign: oneOf(params.get(P.advantageSign), ['', ...ADVANTAGE_SIGNS], d.advantageSign),
    sort: oneOf(params.get(P.sort), ROLLOUT_SORTS, d.sort),
    order: oneOf(params.get(P.order), ['asc', 'desc'] as const, d.order),
    groupStep: text(P.groupStep),
    group: m3 ? { step: Number(m3[1]), groupIndex: Number(m3[2]), clipId: m3[3]! } : m ? { step: Number(m[1]), clipId: m[2]! } : null,
  };
}

/**
 * `base` (other parameters kept, e.g. the tab) with the filter parameters of `state`; defaults are
 * left out. Returns the query string without "?".
 */
export function serializeRolloutFilters(state: RolloutFilterState, base: string | URLSearchParams = ''): string {
  const out = new URLSearchParams(base);
  const P = ROLLOUT_FILTER_PARAMS;
  for (const name of Object.values(P)) out.delete(name);
  const d = defaultRolloutFilters();
  const set = (name: string, value: string, def: string) => {
    if (value.trim() !== '' && value !== def) out.set(name, value.trim());
  };
  set(P.stepMin, state.stepMin, '');
  set(P.stepMax, state.stepMax, '');
  set(P.rewardMin, state.rewardMin, '');
  set(P.rewardMax, state.rewardMax, '');
  if (state.formatFailures) out.set(P.formatFailures, '1');
  set(P.advantageSign, state.advantageSign, d.advantageSign);
  set(P.sort, state.sort, d.sort);
  set(P.order, state.order, d.order);
  set(P.groupStep, state.groupStep, '');
  if (state.group) {
    const g = state.group;
    out.set(P.group, g.groupIndex === undefined ? `${g.step}:${g.clipId}` : `${g.step}:${g.groupIndex}:${g.clipId}`);
  }
  return out.toString();
}

/** The query the filter fields ask for, and what is wrong with them (by field: `step`, `reward`, `groupStep`). */
export interface RolloutQuery {
  stepMin?: number;
  stepMax?: number;
  rewardMin?: number;
  rewardMax?: number;
  formatFailures?: true;
  advantageSign?: (typeof ADVANTAGE_SIGNS)[number];
  sort: RolloutFilterState['sort'];
  order: RolloutFilterState['order'];
}

function num(text: string, integer: boolean, label: string, errors: string[]): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!Number.isFinite(v)) {
    errors.push(`${label} "${t}" is not a number`);
    return undefined;
  }
  if (integer && (!Number.isInteger(v) || v < 0)) {
    errors.push(`${label} "${t}" must be a whole step ≥ 0`);
    return undefined;
  }
  return v;
}

/**
 * The rollout.list filters of `state`, or the reasons they cannot be applied (a value that is not
 * a number; a minimum above its maximum — "step min 50 > max 10": nothing could match).
 */
export function rolloutQuery(state: RolloutFilterState): { query: RolloutQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const stepErrors: string[] = [];
  const stepMin = num(state.stepMin, true, 'step min', stepErrors);
  const stepMax = num(state.stepMax, true, 'step max', stepErrors);
  if (stepMin !== undefined && stepMax !== undefined && stepMin > stepMax) stepErrors.push(`step min ${stepMin} > max ${stepMax}: no step can match`);
  if (stepErrors.length) errors.step = stepErrors.join('; ');
  const rewardErrors: string[] = [];
  const rewardMin = num(state.rewardMin, false, 'reward min', rewardErrors);
  const rewardMax = num(state.rewardMax, false, 'reward max', rewardErrors);
  if (rewardMin !== undefined && rewardMax !== undefined && rewardMin > rewardMax) rewardErrors.push(`reward min ${rewardMin} > max ${rewardMax}: no reward can match`);
  if (rewardErrors.length) errors.reward = rewardErrors.join('; ');
  const groupErrors: string[] = [];
  num(state.groupStep, true, 'step', groupErrors);
  if (groupErrors.length) errors.groupStep = groupErrors.join('; ');
  return {
    query: {
      ...(stepMin !== undefined ? { stepMin } : {}),
      ...(stepMax !== undefined ? { stepMax } : {}),
      ...(rewardMin !== undefined ? { rewardMin } : {}),
      ...(rewardMax !== undefined ? { rewardMax } : {}),
      ...(state.formatFailures ? { formatFailures: true as const } : {}),
      ...(state.advantageSign ? { advantageSign: state.advantageSign } : {}),
      sort: state.sort,
      order: state.order,
    },
    errors,
  };
}
