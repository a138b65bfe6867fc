/**
 * The run page's chart view state, kept in the URL (as TensorBoard keeps its dashboard state):
 * which runs are overlaid, which metric keys are shown, smoothing, x-axis, zoom and the tab.
 *
 *   ?runs=ck1,ck2&keys=think_score,reward&smoothing=0.8&x=relative&zoom=20,140&tab=rollouts
 *
 * Parsing is tolerant: a missing or malformed parameter yields its default, never an exception,
 * so a hand-edited or stale link still opens. Serialising is compact (defaults are omitted) and
 * stable (fixed parameter order, lists in the given order, deduplicated), so equal states give
 * equal URLs and parse(serialize(s)) deep-equals s for every valid s.
 *
 * Lists are comma-separated; an item containing a comma cannot be represented and is dropped
 * when serialising (run ids are cuids, metric keys are identifiers like `rewards/Format/mean`).
 */
import { DEFAULT_SMOOTHING, MAX_SMOOTHING, snapSmoothing } from './smoothing';

export const X_AXIS_MODES = ['step', 'relative'] as const;
/** `step`: training step; `relative`: seconds since the run's first point (TensorBoard's RELATIVE). */
export type XAxisMode = (typeof X_AXIS_MODES)[number];

/** Tabs of the run page, the first being the default. */
export const RUN_PAGE_TABS = ['charts', 'rollouts', 'checkpoints', 'evals', 'config', 'logs'] as const;

export interface ChartViewState {
  /** Run ids overlaid on the charts; empty = just the page's own run. */
  runs: string[];
  /** Metric keys shown; empty = every key the runs logged. */
  keys: string[];
  /** Smoothing weight: 0 or one of core/smoothing.ts SMOOTHING_STOPS (other values snap to the nearest). */
  smoothing: number;
  xAxis: XAxisMode;
  /**
   * Visible x-range [x0 < x1] in the x-axis' units, whole steps or whole seconds (rounded outwards:
   * a step is the unit of the data, and the URL stays short), or null for everything.
   */
  zoom: [number, number] | null;
  tab: string;
}

export interface ViewStateOptions {
  /** Allowed tab names; the first is the default. Defaults to RUN_PAGE_TABS. */
  tabs?: readonly string[];
}

/** Names of the URL parameters, in the order they are written. */
export const VIEW_STATE_PARAMS = {
  runs: 'runs',
  keys: 'keys',
  smoothing: 'smoothing',
  xAxis: 'x',
  zoom: 'zoom',
  tab: 'tab',
} as const;
const PARAM_NAMES: readonly string[] = Object.values(VIEW_STATE_PARAMS);

export function defaultViewState(options: ViewStateOptions = {}): ChartViewState {
  const tabs = options.tabs && options.tabs.length ? options.tabs : RUN_PAGE_TABS;
  return { runs: [], keys: [], smoothing: DEFAULT_SMOOTHING, xAxis: 'step', zoom: null, tab: tabs[0] };
}

/** Anything a page can hand over: URLSearchParams (incl. Next's ReadonlyURLSearchParams), a query string, or Next's `searchParams` record. */
export type SearchParamsLike =
  | { get(name: string): string | null; getAll(name: string): string[] }
  | string
  | Record<string, string | string[] | undefined>;

function readParam(input: SearchParamsLike, name: string): string | null {
  if (typeof input === 'string') {
    return new URLSearchParams(input.startsWith('?') ? input.slice(1) : input).get(name);
  }
  if (typeof (input as { get?: unknown }).get === 'function' && typeof (input as { getAll?: unknown }).getAll === 'function') {
    return (input as { get(name: string): string | null }).get(name);
  }
  const value = (input as Record<string, string | string[] | undefined>)[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : null;
  return typeof value === 'string' ? value : null;
}

function parseList(raw: string | null): string[] {
  if (!raw) return [];
  const seen = new Set<string>();
  for (const part of raw.split(',')) {
    const item = part.trim();
    if (item) seen.add(item);
  }
  return [...seen];
}

/** Smoothing weights are the slider's stops (the server keeps EMA state for exactly these). */
function parseSmoothing(raw: string | null, fallback: number): number {
  if (raw === null || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) return fallback;
  return snapSmoothing(Math.min(MAX_SMOOTHING, Math.max(0, v)));
}

/** A zoom range rounded outwards to whole units: [floor(x0), ceil(x1)]. */
export function roundZoom(zoom: [number, number]): [number, number] {
  const a = Math.floor(Math.min(zoom[0], zoom[1])) + 0;
  const b = Math.ceil(Math.max(zoom[0], zoom[1])) + 0;
  return [a, b === a ? a + 1 : b];
}

function parseZoom(raw: string | null): [number, number] | null {
  if (!raw) return null;
  const parts = raw.split(',');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) return null;
  const a = Number(parts[0]) + 0; // + 0 turns -0 into 0
  const b = Number(parts[1]) + 0;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return null;
  return roundZoom([a, b]);
}

/** Read the view state from URL parameters; bad or missing values fall back to defaults. */
export function parseViewState(input: SearchParamsLike | null | undefined, options: ViewStateOptions = {}): ChartViewState {
  const defaults = defaultViewState(options);
  if (input === null || input === undefined) return defaults;
  const tabs = options.tabs && options.tabs.length ? options.tabs : RUN_PAGE_TABS;
  try {
    return parseFrom((name) => readParam(input, name), defaults, tabs);
  } catch {
    // An exotic object that throws on access: the page still opens, with defaults.
    return defaults;
  }
}

function parseFrom(read: (name: string) => string | null, defaults: ChartViewState, tabs: readonly string[]): ChartViewState {
  const x = read(VIEW_STATE_PARAMS.xAxis);
  const tab = read(VIEW_STATE_PARAMS.tab);
  return {
    runs: parseList(read(VIEW_STATE_PARAMS.runs)),
    keys: parseList(read(VIEW_STATE_PARAMS.keys)),
    smoothing: parseSmoothing(read(VIEW_STATE_PARAMS.smoothing), defaults.smoothing),
    xAxis: (X_AXIS_MODES as readonly string[]).includes(x ?? '') ? (x as XAxisMode) : defaults.xAxis,
    zoom: parseZoom(read(VIEW_STATE_PARAMS.zoom)),
    tab: tab !== null && tabs.includes(tab) ? tab : defaults.tab,
  };
}

/** encodeURIComponent, but leaving characters that are safe and readable in a query value. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%40/g, '@');
}

function listValue(items: readonly string[]): string {
  const seen = new Set<string>();
  for (const raw of items) {
    const item = raw.trim();
    if (item && !item.includes(',')) seen.add(item);
  }
  const encoded: string[] = [];
  for (const item of seen) {
    try {
      encoded.push(encodeValue(item));
    } catch {
      // A lone UTF-16 surrogate cannot be put in a URL; leave the item out.
    }
  }
  return encoded.join(',');
}

/** The view state as `name=value` pairs (already encoded), defaults omitted, in fixed order. */
function viewStatePairs(state: ChartViewState, options: ViewStateOptions): string[] {
  const defaults = defaultViewState(options);
  const pairs: string[] = [];
  const runs = listValue(state.runs);
  if (runs) pairs.push(`${VIEW_STATE_PARAMS.runs}=${runs}`);
  const keys = listValue(state.keys);
  if (keys) pairs.push(`${VIEW_STATE_PARAMS.keys}=${keys}`);
  const smoothing = parseSmoothing(String(state.smoothing), defaults.smoothing);
  if (smoothing !== defaults.smoothing) pairs.push(`${VIEW_STATE_PARAMS.smoothing}=${smoothing}`);
  if (state.xAxis !== defaults.xAxis && (X_AXIS_MODES as readonly string[]).includes(state.xAxis)) {
    pairs.push(`${VIEW_STATE_PARAMS.xAxis}=${state.xAxis}`);
  }
  const zoom = state.zoom ? parseZoom(`${state.zoom[0]},${state.zoom[1]}`) : null;
  if (zoom) pairs.push(`${VIEW_STATE_PARAMS.zoom}=${zoom[0]},${zoom[1]}`);
  const tabs = options.tabs && options.tabs.length ? options.tabs : RUN_PAGE_TABS;
  if (state.tab !== defaults.tab && tabs.includes(state.tab)) pairs.push(`${VIEW_STATE_PARAMS.tab}=${encodeValue(state.tab)}`);
  return pairs;
}

/** Compact, stable query string (without the leading `?`); '' for the default state. */
export function serializeViewState(state: ChartViewState, options: ViewStateOptions = {}): string {
  return viewStatePairs(state, options).join('&');
}

/**
 * Write the view state into an existing query string, keeping every parameter that is not ours
 * (in its order) before ours. Returns the query without `?`.
 */
export function writeViewState(base: SearchParamsLike | null | undefined, state: ChartViewState, options: ViewStateOptions = {}): string {
  const others: string[] = [];
  if (base !== null && base !== undefined) {
    const params = toUrlSearchParams(base);
    params.forEach((value, name) => {
      if (!PARAM_NAMES.includes(name)) others.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    });
  }
  return [...others, ...viewStatePairs(state, options)].join('&');
}

function toUrlSearchParams(input: SearchParamsLike): URLSearchParams {
  if (typeof input === 'string') return new URLSearchParams(input.startsWith('?') ? input.slice(1) : input);
  if (input instanceof URLSearchParams) return input;
  if (typeof (input as { get?: unknown }).get === 'function') {
    const maybe = input as { toString(): string };
    return new URLSearchParams(maybe.toString());
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input as Record<string, string | string[] | undefined>)) {
    if (Array.isArray(value)) value.forEach((v) => params.append(name, v));
    else if (typeof value === 'string') params.append(name, value);
  }
  return params;
}

/**
 * Apply a change to the view state. Switching the x-axis clears the zoom (its numbers are in the
 * old axis' units) unless the patch sets a zoom itself.
 */
export function patchViewState(state: ChartViewState, patch: Partial<ChartViewState>): ChartViewState {
  const next: ChartViewState = { ...state, ...patch };
  if (patch.xAxis !== undefined && patch.xAxis !== state.xAxis && patch.zoom === undefined) next.zoom = null;
  return next;
}
