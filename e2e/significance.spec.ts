import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { pairedBootstrap } from '../core/results/bootstrap';
import { evalSampleSchema } from '../core/eval/types';
import { syntheticDreamBatch } from '../server/testing/eval-fixtures';
import { uniqueName } from './helpers';

const runner = { authorization: `Bearer ${process.env.VIDEOCAP_RUNNER_TOKEN}` };

/** An imported run through the ingest API (what a runner or `videocap import` does). */
async function ingestRun(request: APIRequestContext, name: string, kind: 'eval' | 'grpo', batch: Record<string, unknown>): Promise<string> {
  const created = await request.post('/api/ingest/runs', { headers: runner, data: { name, kind, backend: 'import', status: 'succeeded' } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const { id } = (await created.json()) as { id: string };
  const sent = await request.post(`/api/ingest/runs/${id}/events`, { headers: runner, data: batch });
  expect(sent.ok(), await sent.text()).toBeTruthy();
  return id;
}

test('compare two rows: the panel gives Δ, its 95% interval and p from the paired bootstrap, and names the method', async ({ page, request }) => {
  test.setTimeout(120_000);
  const a = syntheticDreamBatch({ clips: 150, quality: 0.4, seed: 11, failEvery: 19 });
  const b = syntheticDreamBatch({ clips: 150, quality: 0.5, seed: 12 });
  const nameA = uniqueName('e2e-sig-baseline');
  const nameB = uniqueName('e2e-sig-better');
  const idA = await ingestRun(request, nameA, 'eval', { evalSamples: a.samples, evalResults: a.results });
  const idB = await ingestRun(request, nameB, 'eval', { evalSamples: b.samples, evalResults: b.results });
  const expected = pairedBootstrap(a.samples.map((s) => evalSampleSchema.parse(s)), b.samples.map((s) => evalSampleSchema.parse(s)), { benchmark: 'dream-1k', subset: 'overall', metric: 'f1' });

  // From the evaluation page: "Compare with another evaluation" fills row A.
  await page.goto(`/evals/${idA}`);
  await page.getByTestId('eval-compare-significance').click();
  await page.waitForURL(/\/results\/significance\?/);
  await expect(page.getByTestId('significance-row-a')).toHaveValue(idA);
  await page.getByTestId('significance-row-b').selectOption(idB);
  await expect(page.getByTestId('significance-metric')).toHaveValue('f1');

  const result = page.getByTestId('significance-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  const delta = Number(await result.getAttribute('data-delta'));
  const lo = Number(await result.getAttribute('data-ci-low'));
  const hi = Number(await result.getAttribute('data-ci-high'));
  const p = Number(await result.getAttribute('data-p'));
  // The server's numbers are the bootstrap's (same default seed and resamples).
  expect(delta).toBeCloseTo(expected.delta, 9);
  expect(lo).toBeCloseTo(expected.ciLow, 9);
  expect(hi).toBeCloseTo(expected.ciHigh, 9);
  expect(p).toBeCloseTo(expected.p, 12);
  expect(delta).toBeGreaterThan(0);
  expect(lo).toBeGreaterThan(0);
  expect(lo).toBeLessThan(delta);
  expect(hi).toBeGreaterThan(delta);
  await expect(page.getByTestId('significance-delta')).toHaveText(`Δ +${delta.toFixed(2)}`);
  await expect(page.getByTestId('significance-ci')).toHaveText(`95% CI [${lo.toFixed(2)}, ${hi.toFixed(2)}]`);
  await expect(page.getByTestId('significance-verdict')).toHaveText('interval excludes 0');
  await expect(page.getByTestId('significance-method')).toContainText('paired bootstrap over clips — 10,000 resamples of the 150 paired clips');
  await expect(page.getByTestId('significance-method')).toContainText('Failed clips excluded: 7 in A, 0 in B.');

  // A row against itself: Δ 0, interval contains 0.
  await page.getByTestId('significance-row-b').selectOption(idA);
  await expect(page.getByTestId('significance-verdict')).toHaveText('interval contains 0: not significant');
  await expect(page.getByTestId('significance-delta')).toHaveText('Δ +0.00');

  // A benchmark neither row was measured on: the server says why.
  await page.goto(`/results/significance?benchmark=vdc&a=${idA}&b=${idB}&subset=detailed&metric=accuracy`);
  await expect(page.getByTestId('significance-error')).toContainText('was evaluated on dream-1k, not vdc');
});

test('Figure 2 export: the SVG download is a valid SVG with the think score, total reward and response length curves of each run', async ({ page, request }) => {
  test.setTimeout(120_000);
  const metrics = (phase: number) =>
    Array.from({ length: 60 }, (_, i) => i + 1).flatMap((step) => [
      { step, key: 'think_score', value: 0.2 + 0.005 * step + 0.03 * Math.sin(step + phase), wallTime: 1_700_000_000_000 + step * 1000 },
      { step, key: 'reward', value: 1 + 0.01 * step + 0.05 * Math.cos(step + phase), wallTime: 1_700_000_000_000 + step * 1000 },
      { step, key: 'response_length', value: 150 - step * 0.5 + 5 * Math.sin(step * 2 + phase), wallTime: 1_700_000_000_000 + step * 1000 },
    ]);
  const nameA = `${uniqueName('e2e-fig2')} <A & "B">`;
  const nameB = uniqueName('e2e-fig2-other');
  const idA = await ingestRun(request, nameA, 'grpo', { metrics: metrics(0) });
  const idB = await ingestRun(request, nameB, 'grpo', { metrics: metrics(1) });

  await page.goto(`/compare?runs=${idA},${idB}`);
  await expect(page.getByTestId('figure2-svg')).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('figure2-svg').click()]);
  expect(download.suggestedFilename()).toMatch(/^figure2-.*\.svg$/);
  const svg = readFileSync((await download.path()) as string, 'utf8');
  // Parsed by Chromium's XML parser: well-formed, an <svg> root, the three panels with curves.
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const err = doc.querySelector('parsererror');
    const root = doc.documentElement;
    const panels = [...doc.querySelectorAll('g.panel')].map((g) => ({
      metric: g.getAttribute('data-metric'),
      smoothed: [...g.querySelectorAll('path.curve.smoothed')].map((p) => ({ run: p.getAttribute('data-run'), points: (p.getAttribute('d') ?? '').split(/[ML]/).length - 1 })),
      raw: g.querySelectorAll('path.curve.raw[stroke-opacity="0.25"]').length,
      xLabel: g.querySelector('text.x-label')?.textContent,
      yLabel: g.querySelector('text.y-label')?.textContent,
    }));
    return { error: err?.textContent ?? null, root: root.nodeName, ns: root.namespaceURI, panels, legend: [...doc.querySelectorAll('g.legend-item text')].map((t) => t.textContent) };
  }, svg);
  expect(parsed.error).toBeNull();
  expect(parsed.root).toBe('svg');
  expect(parsed.ns).toBe('http://www.w3.org/2000/svg');
  expect(parsed.panels.map((p) => p.metric)).toEqual(['think_score', 'reward', 'response_length']);
  for (const panel of parsed.panels) {
    expect(panel.smoothed.map((c) => c.run).sort()).toEqual([nameA, nameB].sort());
    for (const c of panel.smoothed) expect(c.points).toBe(60);
    expect(panel.raw).toBe(2);
    expect(panel.xLabel).toBe('Step');
    expect(panel.yLabel).toContain(panel.metric);
  }
  expect(parsed.legend.sort()).toEqual([nameA, nameB].sort());

  // PNG: the same figure drawn on a canvas.
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('figure2-png').click()]);
  expect(png.suggestedFilename()).toMatch(/^figure2-.*\.png$/);
  const bytes = readFileSync((await png.path()) as string);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.readUInt32BE(16)).toBe(1920); // 960 px wide at 2×
});

test('Table 1: hover on a measured cell gives Δ, CI and p against a measured baseline; the option marks intervals containing 0; Compare two rows opens the panel', async ({ page, request }) => {
  test.setTimeout(180_000);
  const base = syntheticDreamBatch({ clips: 80, quality: 0.4, seed: 31 });
  const better = syntheticDreamBatch({ clips: 80, quality: 0.7, seed: 32 });
  const idBase = await ingestRun(request, uniqueName('e2e-t1-base'), 'eval', { evalSamples: base.samples, evalResults: base.results });
  const idSame = await ingestRun(request, uniqueName('e2e-t1-same'), 'eval', { evalSamples: base.samples, evalResults: base.results });
  const idBetter = await ingestRun(request, uniqueName('e2e-t1-better'), 'eval', { evalSamples: better.samples, evalResults: better.results });

  await page.goto(`/results?baseline=${encodeURIComponent(`eval:${idBase}`)}`);
  const cell = (runId: string) => page.locator(`[data-testid="results-cell"][data-row-id="eval:${runId}"][data-column-id="dream-1k:f1"]`);
  await expect(cell(idBetter).getByTestId('results-cell-significance')).toHaveCount(1, { timeout: 60_000 });
  await expect(cell(idBetter)).toHaveAttribute('title', /paired bootstrap over 80 clips, 10,000 resamples.*Δ \+\d+\.\d\d, 95% CI \[\d+\.\d\d, \d+\.\d\d\], p = /);
  await expect(cell(idSame)).toHaveAttribute('title', /Δ \+0\.00, 95% CI \[0\.00, 0\.00\], p = 1\.000 — the interval contains 0/);
  await expect(page.getByTestId('results-cell-ns')).toHaveCount(0);

  await page.getByTestId('results-toggle-ns').click(); // controlled by the URL: checked once the router has replaced it
  await expect(page).toHaveURL(/ns=1/);
  await expect(page.getByTestId('results-toggle-ns')).toBeChecked();
  await expect(cell(idSame).getByTestId('results-cell-ns')).toBeVisible();
  await expect(cell(idBetter).getByTestId('results-cell-ns')).toHaveCount(0);

  await page.getByTestId('results-compare-rows').click();
  const panel = page.getByTestId('significance-panel');
  await expect(panel.getByTestId('significance-row-a')).toHaveValue(idBase);
  await panel.getByTestId('significance-row-b').selectOption(idBetter);
  await expect(panel.getByTestId('significance-verdict')).toHaveText('interval excludes 0', { timeout: 30_000 });
});

test('the panel warns next to the verdict on few paired clips, a mostly unpaired side and a simulated / lexical-judge side', async ({ page, request }) => {
  test.setTimeout(120_000);
  const a = syntheticDreamBatch({ clips: 6, quality: 0.1, seed: 51 });
  const b = syntheticDreamBatch({ clips: 20, quality: 0.95, seed: 52 });
  const simulated = a.results.map((r) => ({ ...r, simulated: true, provenance: { ...r.provenance, method: 'local-policy', simulated: true } }));
  const idA = await ingestRun(request, uniqueName('e2e-sig-tiny-sim'), 'eval', { evalSamples: a.samples, evalResults: simulated });
  const idB = await ingestRun(request, uniqueName('e2e-sig-tiny-b'), 'eval', { evalSamples: b.samples, evalResults: b.results });
  await page.goto(`/results/significance?benchmark=dream-1k&a=${idA}&b=${idB}&metric=f1`);
  await expect(page.getByTestId('significance-result')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('significance-verdict')).toBeVisible();
  const warnings = page.getByTestId('significance-warnings');
  await expect(warnings).toBeVisible();
  await expect(page.getByTestId('significance-warning-small-sample')).toContainText('only 6 paired clips');
  await expect(page.getByTestId('significance-warning-mostly-unpaired')).toContainText("14 of B's 20 clips");
  await expect(page.getByTestId('significance-warning-simulated')).toContainText('simulated evaluation');
  await expect(page.getByTestId('significance-warning-lexical-judge').first()).toContainText('lexical judge');
});
