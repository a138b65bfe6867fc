import { describe, expect, it } from 'vitest';
import { buildFigureSvg, escapeXml, formatTick, niceAxis, type FigureRun } from './figure-svg';

/**
 * A strict well-formedness check of the XML subset the builder writes: balanced elements, every
 * attribute quoted, text and attribute values without a raw "<" or an "&" that is not an entity.
 * Returns the element names in document order.
 */
function checkXml(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const entity = /&(amp|lt|gt|quot|apos|#\d+);/g;
  const cleanText = (t: string, where: string) => {
    const stripped = t.replace(entity, '');
    if (/[<&]/.test(stripped)) throw new Error(`raw < or & in ${where}: ${JSON.stringify(t.slice(0, 80))}`);
  };
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    cleanText(text, 'text');
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    const m = /^(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)$/.exec(tag);
    if (!m) throw new Error(`malformed tag <${tag.slice(0, 80)}>`);
    const [, close, name, attrs, self] = m;
    for (const a of attrs.matchAll(/="([^"]*)"/g)) cleanText(a[1], `attribute of <${name}>`);
    const attrNames = [...attrs.matchAll(/\s([\w:-]+)=/g)].map((x) => x[1]);
    if (new Set(attrNames).size !== attrNames.length) throw new Error(`duplicate attribute in <${name}>`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else {
      names.push(name);
      if (!self) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}

const curve = (n: number, f: (i: number) => number, stepEvery = 10) => {
  const steps = Array.from({ length: n }, (_, i) => (i + 1) * stepEvery);
  const raw = steps.map((_, i) => f(i));
  return { steps, raw, smoothed: raw.map((v, i) => (i === 0 ? v : (v + raw[i - 1]) / 2)) };
};

const PANELS = [
  { key: 'think_score', title: 'Think score', yLabel: 'think_score' },
  { key: 'reward', title: 'Total reward', yLabel: 'reward' },
  { key: 'response_length', title: 'Response length', yLabel: 'response_length (words)' },
];

describe('Figure 2 SVG', () => {
  const runs: FigureRun[] = [
    {
      name: 'GRPO <ours> & "best" run\'s',
      color: '#1f77b4',
      curves: { think_score: curve(50, (i) => 0.2 + i * 0.01), reward: curve(50, (i) => 1 + Math.sin(i) * 0.1), response_length: curve(50, (i) => 120 + i) },
    },
    { name: 'SFT baseline', color: '#ff7f0e', curves: { think_score: curve(30, () => 0.35, 20), reward: curve(30, (i) => 0.5 + i * 0.02, 20) } },
  ];

  it('is a well-formed SVG document with three panels, a raw (faint) and a smoothed curve per run and metric, axis labels and a legend', () => {
    const f = buildFigureSvg({ panels: PANELS, runs, smoothing: 0.6 });
    const names = checkXml(f.svg);
    expect(names[0]).toBe('svg');
    expect(f.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="960" height="\d+" viewBox="0 0 960 \d+"/);
    expect(f.svg.match(/<g class="panel"/g)).toHaveLength(3);
    // 2 runs × (think, reward) + 1 run × response_length, each raw + smoothed.
    expect(f.svg.match(/class="curve smoothed"/g)).toHaveLength(5);
    expect(f.svg.match(/class="curve raw"[^>]*stroke-opacity="0.25"/g)).toHaveLength(5);
    expect(f.svg.match(/class="x-label"[^>]*>Step</g)).toHaveLength(3);
    expect(f.svg).toContain('>response_length (words)</text>');
    expect(f.svg).toContain('>Total reward</text>');
    expect(f.svg.match(/class="legend-item"/g)).toHaveLength(2);
    expect(f.svg).toContain('weight 0.6');
  });

  it('escapes run names in text and attributes', () => {
    const f = buildFigureSvg({ panels: PANELS, runs, smoothing: 0.6 });
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(f.svg).toContain('>GRPO &lt;ours&gt; &amp; &quot;best&quot; run&apos;s</text>');
    expect(f.svg).toContain('data-run="GRPO &lt;ours&gt; &amp; &quot;best&quot; run&apos;s"');
    expect(f.svg).not.toContain('<ours>');
  });

  it('chooses axis ranges that contain every point of every run, with nice ticks', () => {
    const f = buildFigureSvg({ panels: PANELS, runs, smoothing: 0.6 });
    const think = f.axes.find((a) => a.key === 'think_score')!;
    // Steps 10…500 (run 1) and 20…600 (run 2); values 0.2…0.69 and 0.35.
    expect(think.x).toEqual([0, 600]);
    expect(think.xTicks).toEqual([0, 200, 400, 600]);
    expect(think.y[0]).toBeLessThanOrEqual(0.2);
    expect(think.y[1]).toBeGreaterThanOrEqual(0.69);
    expect(think.y).toEqual([0.2, 0.7]);
    expect(think.points).toBe(80);
    const len = f.axes.find((a) => a.key === 'response_length')!;
    expect(len.y).toEqual([120, 170]);
    expect(len.points).toBe(50);
    // Every curve coordinate lies inside its panel's plot box.
    for (const d of f.svg.matchAll(/ d="([^"]*)"/g)) {
      for (const [, x, y] of d[1].matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)) {
        expect(Number(x)).toBeGreaterThanOrEqual(0);
        expect(Number(x)).toBeLessThanOrEqual(960);
        expect(Number(y)).toBeGreaterThanOrEqual(0);
        expect(Number(y)).toBeLessThanOrEqual(f.height);
      }
    }
  });

  it('breaks a curve at non-finite values, draws only a solid raw line without smoothing, marks an empty panel', () => {
    const f = buildFigureSvg({
      panels: PANELS.slice(0, 2),
      runs: [{ name: 'r', color: '#000000', curves: { think_score: { steps: [1, 2, 3, 4], raw: [0.1, NaN, 0.3, 0.4], smoothed: null } } }],
      smoothing: 0,
      caption: null,
    });
    checkXml(f.svg);
    const d = /class="curve raw"[^>]* d="([^"]*)"/.exec(f.svg)![1];
    expect(d.match(/M/g)).toHaveLength(2);
    expect(f.svg).not.toContain('curve smoothed');
    expect(f.svg).not.toContain('stroke-opacity');
    expect(f.svg).toContain('>no data</text>');
    expect(f.svg).not.toContain('class="caption"');
  });

  it('says what is wrong with bad input', () => {
    expect(() => buildFigureSvg({ panels: [], runs, smoothing: 0 })).toThrow(/no metric/);
    expect(() => buildFigureSvg({ panels: PANELS, runs: [], smoothing: 0 })).toThrow(/no run/);
    expect(() => buildFigureSvg({ panels: PANELS, runs: [{ name: 'x', color: '#000', curves: { reward: { steps: [1, 2], raw: [1], smoothed: null } } }], smoothing: 0 })).toThrow(/run "x", reward: steps, raw and smoothed differ in length/);
  });

  it('nice axes and tick labels', () => {
    expect(niceAxis(0.13, 0.87, 5)).toEqual({ domain: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceAxis(5, 5).domain).toEqual([4.4, 5.6]); // widened by 10 % around the value, then to whole 0.2 steps
    expect(formatTick(20000)).toBe('20k');
    expect(formatTick(0.30000000000000004)).toBe('0.3');
  });
});

describe('buildFigureSvg notes (approximations named in the export)', () => {
  it('writes each note as its own escaped line under the caption and grows the figure for them', () => {
    const run: FigureRun = { name: 'local <sim>', color: '#1f77b4', curves: { reward: { steps: [0, 1, 2], raw: [1, 2, 3], smoothed: null } } };
    const panels = [{ key: 'reward', title: 'Total reward', yLabel: 'reward' }];
    const plain = buildFigureSvg({ panels, runs: [run], smoothing: 0.6 });
    const note = "local <sim>: local CPU simulation; lexical judge/embedder — approximations, not the paper's setup";
    const fig = buildFigureSvg({ panels, runs: [run], smoothing: 0.6, notes: [note, ''] });
    expect(fig.height).toBe(plain.height + 14);
    expect(fig.svg).toContain('Raw curves faint; smoothed');
    expect(fig.svg).toContain(`<text class="note" x="10" y="${fig.height - 14 - 8 + 14}" fill="#92400e" font-size="10">${escapeXml(note)}</text>`);
    expect(checkXml(fig.svg)).toContain('text');
  });
});
