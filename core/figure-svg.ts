/**
 * The paper's Figure 2 as a standalone SVG document (VideoCap-R1, arXiv 2506.01725, Fig. 2: think
 * score, total reward and response length over training steps), for export. Pure: a string builder,
 * no DOM, so it is unit-tested and the browser only turns it into a file (or a PNG via a canvas).
 *
 * Layout: one panel per metric in a row, each with its title, axis box, "nice" ticks, x label
 * "Step" and the metric's y label; per run the raw curve faint (opacity 0.25) under the smoothed
 * curve (TensorBoard EMA, core/smoothing.ts, computed by the server over the whole stored series);
 * one legend with the run names above the panels. Coordinates in SVG user units (1 unit = 1 px at
 * 100%); fonts are generic sans-serif so the file renders anywhere. Text is XML-escaped.
 */

export interface FigureCurve {
  /** Steps, ascending. */
  steps: ArrayLike<number>;
  raw: ArrayLike<number>;
  /** Smoothed values (same length); null = not smoothed (only the raw line is drawn, solid). */
  smoothed: ArrayLike<number> | null;
}

export interface FigureRun {
  name: string;
  /** CSS colour (#rrggbb). */
  color: string;
  /** Curves per metric key; a key missing here is simply not drawn for this run. */
  curves: Readonly<Record<string, FigureCurve | undefined>>;
}

export interface FigurePanel {
  key: string;
  /** Panel title, e.g. "Think score". */
  title: string;
  /** Y axis label, e.g. "think_score" or "response length (tokens)". */
  yLabel: string;
}

export interface FigureOptions {
  panels: readonly FigurePanel[];
  runs: readonly FigureRun[];
  /** Smoothing weight used (shown in the caption line); 0 = raw. */
  smoothing: number;
  /** Size of one panel (default 320 × 240). */
  panelWidth?: number;
  panelHeight?: number;
  /** Caption under the figure (default: what is drawn and the smoothing). null = none. */
  caption?: string | null;
  /**
   * Lines under the caption, one each, e.g. which runs are the local CPU simulation or scored by the
   * lexical judge / embedder (core/run-kind-view.ts runApproximationNote) — an export never drops them.
   */
  notes?: readonly string[];
}

/** Axis range and ticks a panel was drawn with (returned for tests and for the PNG size). */
export interface PanelAxes {
  key: string;
  x: [number, number];
  y: [number, number];
  xTicks: number[];
  yTicks: number[];
  points: number;
}

export interface FigureSvg {
  svg: string;
  width: number;
  height: number;
  axes: PanelAxes[];
}

/** The titles the paper uses for the three Figure 2 curves (others: the key). */
export const FIGURE2_TITLES: Record<string, string> = {
  think_score: 'Think score',
  reward: 'Total reward',
  response_length: 'Response length',
};

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** 1, 2, 2.5 or 5 × 10^k closest above range / count (at most `count` + 1 intervals). */
function niceStep(range: number, count: number): number {
  if (!(range > 0)) return 1;
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** A domain widened to whole tick steps, with its ticks. A flat range is widened around its value. */
export function niceAxis(lo: number, hi: number, count = 5): { domain: [number, number]; ticks: number[] } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const a = Number((Math.floor(lo / step) * step).toPrecision(12));
  const b = Number((Math.ceil(hi / step) * step).toPrecision(12));
  const ticks: number[] = [];
  for (let t = a, i = 0; t <= b + step * 1e-9 && i < 100; i++, t = a + i * step) ticks.push(Number(t.toPrecision(12)));
  return { domain: [a, b], ticks };
}

/** Tick label: integers as is (thousands as "12k"), else up to 3 significant decimals. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 10_000 && Number.isInteger(v / 1000)) return `${v / 1000}k`;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

const n2 = (x: number) => (Math.round(x * 100) / 100).toString();

/** SVG path data of a curve: "M x y L …", a new "M" after every non-finite value. */
function pathData(steps: ArrayLike<number>, ys: ArrayLike<number>, sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < ys.length; i++) {
    const x = steps[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${n2(sx(x))} ${n2(sy(y))}`;
    pen = true;
  }
  return d;
}

/**
 * Builds the figure. Throws RangeError without panels or runs, or for a curve whose arrays differ
 * in length (what and where).
 */
export function buildFigureSvg(options: FigureOptions): FigureSvg {
  const { panels, runs } = options;
  if (panels.length === 0) throw new RangeError('buildFigureSvg: no metric to draw');
  if (runs.length === 0) throw new RangeError('buildFigureSvg: no run to draw');
  for (const r of runs) {
    for (const [key, c] of Object.entries(r.curves)) {
      if (!c) continue;
      if (c.steps.length !== c.raw.length || (c.smoothed && c.smoothed.length !== c.raw.length)) {
        throw new RangeError(`buildFigureSvg: run "${r.name}", ${key}: steps, raw and smoothed differ in length (${c.steps.length}, ${c.raw.length}, ${c.smoothed?.length ?? '-'})`);
      }
    }
  }
  const pw = options.panelWidth ?? 320;
  const ph = options.panelHeight ?? 240;
  const margin = { left: 58, right: 14, top: 26, bottom: 42 };
  const font = 'Helvetica, Arial, sans-serif';
  // Legend: entries in rows across the figure width.
  const width = panels.length * pw;
  const legendItemWidth = (name: string) => 34 + Math.min(40, name.length) * 6.2;
  const legendRows: { name: string; color: string; x: number; row: number }[] = [];
  let lx = 10;
  let row = 0;
  for (const r of runs) {
    const w = legendItemWidth(r.name);
    if (lx + w > width - 10 && lx > 10) {
      row++;
      lx = 10;
    }
    legendRows.push({ name: r.name, color: r.color, x: lx, row });
    lx += w + 12;
  }
  const legendHeight = (row + 1) * 18 + 8;
  const caption = options.caption === undefined ? `Raw curves faint; smoothed with TensorBoard's EMA, weight ${options.smoothing}.` : options.caption;
  const captionHeight = caption ? 22 : 0;
  const notes = (options.notes ?? []).filter((n) => n.trim() !== '');
  const notesHeight = notes.length * 14;
  const height = legendHeight + ph + captionHeight + notesHeight;

  const parts: string[] = [];
  const axes: PanelAxes[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}" font-size="11" data-figure="figure-2">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  // Legend.
  parts.push(`<g class="legend">`);
  for (const e of legendRows) {
    const y = 12 + e.row * 18;
    const name = e.name.length > 40 ? `${e.name.slice(0, 39)}…` : e.name;
    parts.push(
      `<g class="legend-item"><line x1="${e.x}" y1="${y}" x2="${e.x + 22}" y2="${y}" stroke="${escapeXml(e.color)}" stroke-width="2"/>` +
        `<text x="${e.x + 28}" y="${y + 4}" fill="#222222">${escapeXml(name)}</text></g>`,
    );
  }
  parts.push(`</g>`);

  panels.forEach((panel, pi) => {
    const ox = pi * pw;
    const oy = legendHeight;
    const x0 = ox + margin.left;
    const x1 = ox + pw - margin.right;
    const y0 = oy + margin.top;
    const y1 = oy + ph - margin.bottom;
    let xmin = Infinity;
    let xmax = -Infinity;
    let ymin = Infinity;
    let ymax = -Infinity;
    let points = 0;
    for (const r of runs) {
      const c = r.curves[panel.key];
      if (!c) continue;
      for (let i = 0; i < c.raw.length; i++) {
        const x = c.steps[i];
        const y = c.raw[i];
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        points++;
        if (x < xmin) xmin = x;
        if (x > xmax) xmax = x;
        if (y < ymin) ymin = y;
        if (y > ymax) ymax = y;
      }
    }
    const xa = points ? niceAxis(xmin, xmax, 4) : niceAxis(0, 1, 4);
    const ya = points ? niceAxis(ymin, ymax, 5) : niceAxis(0, 1, 5);
    axes.push({ key: panel.key, x: xa.domain, y: ya.domain, xTicks: xa.ticks, yTicks: ya.ticks, points });
    const sx = (x: number) => x0 + ((x - xa.domain[0]) / (xa.domain[1] - xa.domain[0])) * (x1 - x0);
    const sy = (y: number) => y1 - ((y - ya.domain[0]) / (ya.domain[1] - ya.domain[0])) * (y1 - y0);
    const clipId = `clip-${pi}`;
    parts.push(`<g class="panel" data-metric="${escapeXml(panel.key)}">`);
    parts.push(`<clipPath id="${clipId}"><rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}"/></clipPath>`);
    parts.push(`<text x="${n2((x0 + x1) / 2)}" y="${oy + 16}" text-anchor="middle" font-size="13" font-weight="bold" fill="#111111">${escapeXml(panel.title)}</text>`);
    // Grid and ticks.
    for (const t of ya.ticks) {
      const y = n2(sy(t));
      parts.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e5e5e5" stroke-width="0.5"/>`);
      parts.push(`<text x="${x0 - 5}" y="${y}" dy="0.32em" text-anchor="end" fill="#333333">${escapeXml(formatTick(t))}</text>`);
    }
    for (const t of xa.ticks) {
      const x = n2(sx(t));
      parts.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y1 + 4}" stroke="#333333" stroke-width="0.8"/>`);
      parts.push(`<text x="${x}" y="${y1 + 15}" text-anchor="middle" fill="#333333">${escapeXml(formatTick(t))}</text>`);
    }
    parts.push(`<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="none" stroke="#333333" stroke-width="0.8"/>`);
    parts.push(`<text class="x-label" x="${n2((x0 + x1) / 2)}" y="${y1 + 32}" text-anchor="middle" fill="#111111">Step</text>`);
    parts.push(
      `<text class="y-label" x="${ox + 14}" y="${n2((y0 + y1) / 2)}" text-anchor="middle" transform="rotate(-90 ${ox + 14} ${n2((y0 + y1) / 2)})" fill="#111111">${escapeXml(panel.yLabel)}</text>`,
    );
    // Curves: raw faint first, smoothed on top.
    parts.push(`<g clip-path="url(#${clipId})" fill="none" stroke-linejoin="round" stroke-linecap="round">`);
    runs.forEach((r, ri) => {
      const c = r.curves[panel.key];
      if (!c || c.raw.length === 0) return;
      const color = escapeXml(r.color);
      const attrs = `data-run="${escapeXml(r.name)}" data-run-index="${ri}" data-metric="${escapeXml(panel.key)}"`;
      if (c.smoothed) {
        parts.push(`<path class="curve raw" ${attrs} d="${pathData(c.steps, c.raw, sx, sy)}" stroke="${color}" stroke-width="1" stroke-opacity="0.25"/>`);
        parts.push(`<path class="curve smoothed" ${attrs} d="${pathData(c.steps, c.smoothed, sx, sy)}" stroke="${color}" stroke-width="1.6"/>`);
      } else {
        parts.push(`<path class="curve raw" ${attrs} d="${pathData(c.steps, c.raw, sx, sy)}" stroke="${color}" stroke-width="1.4"/>`);
      }
    });
    parts.push(`</g>`);
    if (points === 0) parts.push(`<text x="${n2((x0 + x1) / 2)}" y="${n2((y0 + y1) / 2)}" text-anchor="middle" fill="#888888">no data</text>`);
    parts.push(`</g>`);
  });
  if (caption) parts.push(`<text class="caption" x="10" y="${height - notesHeight - 8}" fill="#555555" font-size="10">${escapeXml(caption)}</text>`);
  notes.forEach((n, i) => {
    parts.push(`<text class="note" x="10" y="${height - notesHeight - 8 + (caption ? 14 : 0) + i * 14}" fill="#92400e" font-size="10">${escapeXml(n)}</text>`);
  });
  parts.push(`</svg>`);
  return { svg: parts.join('\n'), width, height, axes };
}
