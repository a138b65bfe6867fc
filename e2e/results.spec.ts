import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { syntheticDreamBatch } from '../server/testing/eval-fixtures';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

const runner = { authorization: `Bearer ${process.env.VIDEOCAP_RUNNER_TOKEN}` };

/**
 * Captions of two real models on DREAM-1K clips (the shared model-captions sample, not shipped in the
 * repository); when it is absent, a small file in the same multi-model layout written here.
 */
function multiModelFile(): string {
  const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/benchmarks/model-captions/dream1k-explorer-sample.jsonl');
  if (existsSync(shared)) return readFileSync(shared, 'utf8');
  const lines = [
    { idx: 1, descriptions: { 'GPT-4o': 'A character in a yellow suit emerges from smoke, kneels on the ground and raises a hand while others rush forward.', 'Qwen2-VL-7B': 'A cartoon character stands in smoke.' } },
    { idx: 2, descriptions: { 'GPT-4o': 'Two characters walk through a forest and one of them points at a tree.', 'Qwen2-VL-7B': 'Characters are in a forest.' } },
    { idx: 3, descriptions: { 'GPT-4o': 'A man opens a door, walks into the room and sits down at a table.', 'Qwen2-VL-7B': 'A man is in a room.' } },
    { idx: 4, descriptions: { 'GPT-4o': 'A woman picks up a cup, drinks from it and puts it back on the table.', 'Qwen2-VL-7B': 'A woman holds a cup.' } },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

/** Evaluates one model of the multi-model file on DREAM-1K through the browser; returns the evaluation's id. */
async function evaluateModel(page: Page, text: string, model: string): Promise<string> {
  await page.goto('/evals/new');
  await page.getByTestId('eval-name').fill(uniqueName(`e2e-results-${model}`));
  await page.getByTestId('eval-dropzone').evaluate((el, content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'model-captions.jsonl', { type: 'application/json' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByTestId('eval-model')).toBeVisible();
  const option = page.getByTestId('eval-model').locator('option', { hasText: model });
  await page.getByTestId('eval-model').selectOption((await option.first().getAttribute('value'))!);
  await page.getByTestId('eval-submit').click();
  await page.waitForURL(/\/evals\/(?!new$)[^/?]+$/);
  const id = page.url().split('/').pop()!;
  await expect(page.getByTestId('eval-page')).toHaveAttribute('data-status', 'succeeded', { timeout: 150_000 });
  return id;
}

/** Every ranked cell of a column: checks bold = best printed value, underline = next distinct value. */
async function expectRanksConsistent(page: Page, columnId: string) {
  const cells = await page.locator(`[data-testid="results-cell"][data-column-id="${columnId}"][data-ranked="1"]`).evaluateAll((els) =>
    els.map((e) => ({ v: Number(Number(e.getAttribute('data-value')).toFixed(1)), rank: e.getAttribute('data-rank') })),
  );
  expect(cells.length).toBeGreaterThan(0);
  const distinct = [...new Set(cells.map((c) => c.v))].sort((a, b) => b - a);
  for (const c of cells) expect(c.rank, `${columnId} ${c.v}`).toBe(c.v === distinct[0] ? '1' : c.v === distinct[1] ? '2' : '');
}

test('Table 1 shows two evaluated models beside the paper with judge marks and correct bold / underline; Tables 2–4 fill from preset runs', async ({ page, request }) => {
  test.setTimeout(600_000);
  const text = multiModelFile();
  const gpt = await evaluateModel(page, text, 'GPT-4o');
  const qwen = await evaluateModel(page, text, 'Qwen2-VL-7B');

  // Table 1 from the nav: the paper's rows and both measured rows.
  await page.goto('/');
  await page.getByTestId('nav-results').click();
  await page.waitForURL(/\/results$/);
  // A controlled checkbox whose state lives in the URL: it flips once router.replace lands, so click
  // (Playwright's uncheck() insists the state changes synchronously) and wait for the URL.
  await expect(page.getByTestId('results-table')).toBeVisible();
  await page.getByTestId('results-toggle-leaderboards').click();
  await expect(page).toHaveURL(/lb=0/);
  await expect(page.getByTestId('results-toggle-leaderboards')).not.toBeChecked();
  const table = page.getByTestId('results-table');
  await expect(table.locator('[data-testid="results-row"][data-row-id="paper:VideoCap-R1"]')).toBeVisible();
  const gptRow = table.locator(`[data-testid="results-row"][data-row-id="eval:${gpt}"]`);
  const qwenRow = table.locator(`[data-testid="results-row"][data-row-id="eval:${qwen}"]`);
  await expect(gptRow).toContainText('GPT-4o');
  await expect(qwenRow).toContainText('Qwen2-VL-7B');
  await expect(gptRow.getByTestId('results-row-source')).toContainText(/lexical/);

  // The paper's rows are ranked among themselves: DREAM-1K F1 best Tarsier-7B 34.6 (bold), second VideoCap-R1 34.2 (underlined, +4.4 over Qwen2-VL-7B).
  const tarsierF1 = table.locator('[data-testid="results-cell"][data-row-id="paper:Tarsier-7B"][data-column-id="dream-1k:f1"]');
  await expect(tarsierF1).toHaveAttribute('data-rank', '1');
  await expect(tarsierF1.locator('span').first()).toHaveCSS('font-weight', '700');
  const r1F1 = table.locator('[data-testid="results-cell"][data-row-id="paper:VideoCap-R1"][data-column-id="dream-1k:f1"]');
  await expect(r1F1).toHaveAttribute('data-rank', '2');
  await expect(r1F1).toContainText('34.2');
  await expect(r1F1).toContainText('(+4.4)');
  await expect(r1F1.locator('span').first()).toHaveCSS('text-decoration-line', 'underline');
  // An asterisk cell (reproduced with official code) keeps it.
  await expect(table.locator('[data-testid="results-cell"][data-row-id="paper:ShareGPT4Video-8B"][data-column-id="dream-1k:f1"] [data-testid="results-cell-marks"]')).toHaveText('*');

  // The lexical-judge cells: marked ℓ and † (another judge than the column's majority), not ranked against the paper.
  for (const id of [gpt, qwen]) {
    const f1 = table.locator(`[data-testid="results-cell"][data-row-id="eval:${id}"][data-column-id="dream-1k:f1"]`);
    await expect(f1).toHaveAttribute('data-lexical', '1');
    await expect(f1).toHaveAttribute('data-off-majority', '1');
    await expect(f1).toHaveAttribute('data-ranked', '0');
    await expect(f1).toHaveAttribute('data-rank', '');
    // ℓ, † and — evaluated on a few of DREAM-1K's 1,000 clips — the partial-coverage mark n=<clips>.
    await expect(f1.getByTestId('results-cell-marks')).toHaveText(/^ℓ,†,n=\d+$/);
    await expect(f1).toHaveAttribute('data-partial', /^\d+$/);
    await expect(f1).toHaveAttribute('title', /lexical/);
    // not evaluated on VDC: "–" with the reason on hover
    const vdc = table.locator(`[data-testid="results-cell"][data-row-id="eval:${id}"][data-column-id="vdc:accuracy"]`);
    await expect(vdc).toHaveText('–');
    await expect(vdc).toHaveAttribute('title', /vdc was not part of evaluation/);
  }
  await expect(page.getByTestId('results-footnote-lexical')).toBeVisible();
  await expect(page.getByTestId('results-footnote-offMajority')).toBeVisible();
  for (const col of ['dream-1k:f1', 'dream-1k:precision', 'dream-1k:recall', 'vdc:accuracy', 'carebench:object_f1']) await expectRanksConsistent(page, col);

  // Ranked among the lexical judge only: the paper's rows are not ranked, and the two models — measured on a
  // few clips, not the full benchmark — are not ranked either (partial coverage is never ranked).
  const lexicalOption = await page.getByTestId('results-among').locator('option', { hasText: 'lexical-judge' }).first().getAttribute('value');
  await page.getByTestId('results-among').selectOption(lexicalOption!);
  await expect(page).toHaveURL(/among=lexical/);
  await expect(tarsierF1).toHaveAttribute('data-ranked', '0');
  await expect(table.locator(`[data-testid="results-cell"][data-row-id="eval:${gpt}"][data-column-id="dream-1k:f1"]`)).toHaveAttribute('data-ranked', '0');
  await expect(page.getByTestId('results-footnote-partial')).toBeVisible();
  const [g, q] = await Promise.all(
    [gpt, qwen].map((id) => table.locator(`[data-testid="results-cell"][data-row-id="eval:${id}"][data-column-id="dream-1k:recall"]`).getAttribute('data-value').then(Number)),
  );
  expect(g).not.toBe(q); // two different models: the table orders them
  // Back to the default; "all" ranks every cell and keeps the marks.
  await page.getByTestId('results-among').selectOption('all');
  await expect(table.locator(`[data-testid="results-cell"][data-row-id="eval:${gpt}"][data-column-id="dream-1k:f1"]`)).toHaveAttribute('data-off-majority', '1');

  // Exports: the LaTeX names the measured row and marks the lexical cells.
  const download = page.waitForEvent('download');
  await page.getByTestId('results-download-latex').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('videocap-table1.tex');
  const tex = readFileSync((await file.path())!, 'utf8');
  expect(tex).toContain('\\toprule');
  expect(tex).toMatch(/GPT-4o & [^\n]*\\ell/);

  // A row links to its evaluation; a cell to the clips behind it.
  await table.locator(`[data-testid="results-cell"][data-row-id="eval:${qwen}"][data-column-id="dream-1k:recall"] [data-testid="results-cell-link"]`).click();
  await page.waitForURL(new RegExp(`/evals/${qwen}/clips\\?.*benchmark=dream-1k`));
  await expect(page.getByTestId('eval-clips-total')).toHaveText(/\d+ clips/);
  await page.goBack();
  await page.getByTestId('results-table').locator(`[data-testid="results-row"][data-row-id="eval:${gpt}"] [data-testid="results-row-link"]`).click();
  await page.waitForURL(new RegExp(`/evals/${gpt}$`));
  await expect(page.getByTestId('eval-page')).toBeVisible();

  // Tables 2–4 from runs: a run launched with Table 3's "w/o caption score" configuration (format + Tscore), evaluated at a checkpoint.
  const runName = uniqueName('e2e-results-wo-caption');
  const runId = await launchViaApi(request, {
    name: runName,
    config: { maxSteps: 4, dataset: 'dream-1k:40', thinkingMode: 'structured', rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 1 }], local: { clipsPerStep: 2, checkpointEvery: 2 } },
  });
  await waitForRunStatus(request, runId, 'succeeded', 180_000);
  await page.goto(`/evals/new?run=${runId}`);
  await page.getByTestId('eval-name').fill(uniqueName('e2e-results-eval'));
  await expect(page.getByTestId('eval-checkpoint')).toHaveValue(/.+/);
  await page.getByTestId('eval-benchmark-carebench').check();
  await page.getByTestId('eval-max-clips').fill('6');
  await page.getByTestId('eval-submit').click();
  await page.waitForURL(/\/evals\/(?!new$)[^/?]+$/);
  const evalId = page.url().split('/').pop()!;
  await expect(page.getByTestId('eval-page')).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });

  await page.goto('/results');
  await page.getByTestId('results-tab-table3').click();
  await page.waitForURL(/\/results\/table3/);
  const t3 = page.getByTestId('results-table');
  const wo = t3.locator('[data-testid="results-row"][data-row-id="table3:wo-caption"]');
  await expect(wo).toBeVisible();
  await expect(page.locator('[data-testid="results-pick-row"][data-row-key="wo-caption"]')).toHaveAttribute('data-how', 'matched');
  await expect(wo.locator('[data-testid="results-row-link"]')).toHaveAttribute('href', `/evals/${evalId}`);
  await expect(wo.getByTestId('results-row-simulated')).toBeVisible();
  await expect(wo.locator('[data-testid="results-flag-tscore"]')).toHaveAttribute('data-checked', '1');
  await expect(wo.locator('[data-testid="results-flag-escore"]')).toHaveAttribute('data-checked', '0');
  await expect(wo.locator('[data-testid="results-cell"][data-column-id="dream-1k:f1"]')).toHaveAttribute('data-value', /\d/);
  await expect(wo.locator('[data-testid="results-cell"][data-column-id="carebench:action_f1"]')).toHaveAttribute('data-value', /\d/);
  // The baseline row: the evaluation of Qwen2-VL-7B's captions, found by its model name.
  await expect(t3.locator('[data-testid="results-row"][data-row-id="table3:baseline"] [data-testid="results-row-link"]')).toHaveAttribute('href', `/evals/${qwen}`);
  // The paper's rows: a switchable group.
  await expect(t3.locator('[data-testid="results-row"][data-row-id="table3:paper:tscore-escore"]')).toBeVisible();
  await page.getByTestId('results-toggle-paper').click();
  await expect(page).toHaveURL(/paper=0/);
  await expect(t3.locator('[data-testid="results-row"][data-row-id="table3:paper:tscore-escore"]')).toHaveCount(0);
  // Pick another evaluation for a row (kept in the URL).
  await page.getByTestId('results-pick-tscore-cnscore').selectOption(evalId);
  await expect(page).toHaveURL(/pick\.tscore-cnscore=/);
  await expect(t3.locator('[data-testid="results-row"][data-row-id="table3:tscore-cnscore"] [data-testid="results-row-link"]')).toHaveAttribute('href', `/evals/${evalId}`);
  await page.reload();
  await expect(page.locator('[data-testid="results-pick-row"][data-row-key="tscore-cnscore"]')).toHaveAttribute('data-how', 'picked');

  // Tables 2 and 4: the baseline row fills from the base model's evaluation; every row is there.
  for (const t of ['table2', 'table4']) {
    await page.goto(`/results/${t}`);
    await expect(page.getByTestId('results-table').locator(`[data-testid="results-row"][data-row-id="${t}:baseline"] [data-testid="results-row-link"]`)).toHaveAttribute('href', `/evals/${qwen}`);
    await expect(page.getByTestId('results-table').locator(`[data-testid="results-row"][data-row-id^="${t}:paper:"]`)).toHaveCount(4);
  }
});

test('synthetic CAREBENCH sample and partial coverage are marked and never ranked; the compare link presets DREAM-1K; Table 1 scrolls fully at 1400 px', async ({ page, request }) => {
  test.setTimeout(120_000);
  // An evaluation stored through the ingest API, as a runner does: 21 DREAM-1K clips (LLM judge) and CAREBENCH
  // numbers from the shipped synthetic sample (CAREBENCH results are listed first).
  const dream = syntheticDreamBatch({ clips: 21, quality: 0.9, seed: 77, judgeModel: 'Qwen2.5-72B-Instruct' });
  const judge = { kind: 'openai' as const, model: 'Qwen2.5-72B-Instruct', endpoint: 'http://judge.invalid/v1', temperature: 0, maxTokens: null, promptVersion: 'e2e' };
  const dreamResults = dream.results.map((r) => ({ ...r, judge }));
  const careResults = ['action_f1', 'action_precision', 'action_recall', 'object_f1', 'object_precision', 'object_recall'].map((metric) => ({ ...dreamResults[0]!, benchmark: 'carebench', subset: 'overall', metric, value: 99.5, clips: 8, failedClips: 0 }));
  const name = uniqueName('e2e-results-sample');
  const created = await request.post('/api/ingest/runs', { headers: runner, data: { name, kind: 'eval', backend: 'import', status: 'succeeded', config: { benchmarks: ['dream-1k', 'vdc', 'carebench'] } } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const { id } = (await created.json()) as { id: string };
  const sent = await request.post(`/api/ingest/runs/${id}/events`, { headers: runner, data: { evalSamples: dream.samples, evalResults: [...careResults, ...dreamResults] } });
  expect(sent.ok(), await sent.text()).toBeTruthy();

  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto('/results?among=all&lb=0');
  const table = page.getByTestId('results-table');
  const care = table.locator(`[data-testid="results-cell"][data-row-id="eval:${id}"][data-column-id="carebench:object_recall"]`);
  await expect(care).toHaveAttribute('data-sample', '1');
  await expect(care).toHaveAttribute('data-ranked', '0');
  await expect(care).toHaveAttribute('data-rank', '');
  await expect(care.getByTestId('results-cell-marks')).toHaveText(/(^|,)§,n=8$/);
  await expect(care).toHaveAttribute('title', /synthetic sample/);
  await expect(care.locator('span').first()).not.toHaveCSS('font-weight', '700');
  const f1 = table.locator(`[data-testid="results-cell"][data-row-id="eval:${id}"][data-column-id="dream-1k:f1"]`);
  await expect(f1).toHaveAttribute('data-partial', '21');
  await expect(f1).toHaveAttribute('data-ranked', '0');
  await expect(f1.getByTestId('results-cell-marks')).toHaveText(/(^|,)n=21$/);
  await expect(f1).toHaveAttribute('title', /21 of the benchmark's 1,000 clips/);
  await expect(page.getByTestId('results-footnote-sample')).toBeVisible();
  await expect(page.getByTestId('results-footnote-partial')).toBeVisible();

  // The last column is reachable: scrolled to the end, its header lies inside the scroller.
  const scroller = page.getByTestId('results-table-scroller');
  await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
  const last = page.getByTestId('results-col-carebench:object_recall');
  await expect(last).toBeVisible();
  const [sb, lb] = [await scroller.boundingBox(), await last.boundingBox()];
  expect(lb!.x + lb!.width).toBeLessThanOrEqual(sb!.x + sb!.width + 0.5);
  expect(lb!.x).toBeGreaterThanOrEqual(sb!.x - 0.5);
  const vp = page.viewportSize()!;
  expect(sb!.x + sb!.width).toBeLessThanOrEqual(vp.width);

  // Exports carry the marks.
  const md = await request.get(`/api/trpc/results.export?input=${encodeURIComponent(JSON.stringify({ json: { format: 'markdown', table1: { among: 'all', leaderboards: false } } }))}`);
  expect(md.ok(), await md.text()).toBeTruthy();
  expect(await md.text()).toMatch(/99\.5<sup>[^<]*§,n=8<\/sup>/);

  // "Compare with another evaluation": DREAM-1K (the first real benchmark), not the synthetic CAREBENCH sample.
  await page.goto(`/evals/${id}`);
  await expect(page.getByTestId('eval-compare-significance')).toHaveAttribute('href', new RegExp(`benchmark=dream-1k&a=${id}`));
});
