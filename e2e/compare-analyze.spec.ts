/**
 * Automatic analysis in the compare view (issue 13, part B): on a DREAM-1K clip with the four real
 * models' captions, run the analysis (the runner's analyze job with the offline lexical judge), see
 * red / green / highlighted suggestions and the per-source hallucination rates, export the
 * annotations (JSONL) and the LaTeX figure, import a file with a bad line (refused, line named), and
 * open the agreement page.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';

// A clip where the offline lexical judge finds all three labels (it marks most real-model claims on
// DREAM-1K's short references as not entailed).
const CLIP = 'dream-1k/560';

test('run the analysis on a clip, see red/green/highlight spans and rates, export annotations and the LaTeX figure', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/compare/clips/${CLIP}`);
  await expect(page.getByTestId('compare-clip-id')).toHaveText(CLIP);
  await expect(page.getByTestId('caption-column')).toHaveCount(4);

  const panel = page.getByTestId('analysis-panel');
  await expect(panel.getByTestId('analyze-judge')).toContainText('offline lexical judge');
  await panel.getByTestId('analyze-baseline').selectOption({ label: 'Qwen2-VL-7B' });
  await panel.getByTestId('analyze-run').click();
  await expect(panel.getByTestId('analyze-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });

  // Automatic suggestions on the captions: red (hallucination), green (accurate), highlighted (unique).
  await page.getByTestId('show-auto').click();
  const segments = page.getByTestId('caption-columns').getByTestId('span-segment');
  await expect(segments.first()).toBeVisible();
  await expect(page.locator('[data-testid="span-segment"][data-labels~="hallucination"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="span-segment"][data-labels~="accurate"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="span-segment"][data-labels~="unique"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="span-segment"][data-status~="suggested"]').first()).toBeVisible();

  // Clicking a suggestion names the judge as the offline lexical one.
  await page.locator('[data-testid="span-segment"][data-labels~="hallucination"]').first().click();
  await expect(page.getByTestId('span-toolbar')).toContainText(/automatic \(suggested, judge lexical-judge.*\[lexical\]\)/);

  // Rates: one row per analysed source, with this clip's rate.
  const rows = panel.getByTestId('rate-row');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('offline approximation');
  await expect(rows.first().getByTestId('rate-clip')).toHaveText(/^\d+\.\d% \(\d+\/\d+\)$/);

  // Export the clip's annotations as JSONL.
  const [jsonl] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-annotations-jsonl').click()]);
  expect(jsonl.suggestedFilename()).toMatch(/^annotations-dream-1k_560-.*\.jsonl$/);
  const lines = (await readFile((await jsonl.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines.length).toBeGreaterThan(3);
  const red = lines.find((l) => l.label === 'hallucination' && l.origin === 'auto')!;
  expect(red).toMatchObject({ clip: CLIP, status: 'suggested', author: expect.stringMatching(/lexical judge/) });
  expect(typeof red.start).toBe('number');

  // The LaTeX figure: red/green underlines, highlights and the legend; the download is a full document.
  await panel.getByTestId('export-latex').click();
  const tex = await panel.getByTestId('latex-output').inputValue();
  expect(tex).toContain('\\textcolor{vcHallucination}{\\uline{');
  expect(tex).toContain('\\textcolor{vcAccurate}{\\uline{');
  expect(tex).toMatch(/\\hl\{(?!unique detail)/);
  expect(tex).toContain('\\textbf{GPT-4o:}');
  expect(tex).toContain('\\hl{unique detail}');
  const [texFile] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('download-latex').click()]);
  const doc = await readFile((await texFile.path())!, 'utf8');
  expect(doc).toMatch(/^\\documentclass\{article\}[\s\S]*\\usepackage\{soul\}[\s\S]*\\end\{document\}\n$/);

  const [svg] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-svg').click()]);
  expect(await readFile((await svg.path())!, 'utf8')).toMatch(/^<svg [\s\S]*data-legend="hallucination"[\s\S]*<\/svg>$/);
  const [png] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export-png').click()]);
  expect((await readFile((await png.path())!)).subarray(1, 4).toString()).toBe('PNG');

  // Import: a file with a bad line stores nothing and names the line and field. (An annotator name of
  // this run's own, so the spec can run again on the same database.)
  const ann = `E2E Ann ${Date.now().toString(36)}`;
  const bad = [JSON.stringify({ ...red, author: ann, origin: 'human', status: 'accepted' }), JSON.stringify({ ...red, label: 'maybe' })].join('\n');
  await panel.getByTestId('import-annotations').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(panel.getByTestId('import-result')).toContainText('line 2, field label: must be one of hallucination, accurate, unique, note');
  const good = JSON.stringify({ ...red, author: ann, origin: 'human', status: 'accepted' });
  await panel.getByTestId('import-annotations').setInputFiles({ name: 'good.jsonl', mimeType: 'application/json', buffer: Buffer.from(good) });
  await expect(panel.getByTestId('import-result')).toContainText('imported 1 span(s)');

  // Agreement between the imported human annotator and the automatic judge.
  await panel.getByTestId('agreement-link').click();
  await expect(page.getByTestId('agreement-page')).toBeVisible();
  const annOption = page.getByTestId('agreement-a').locator('option', { hasText: ann }).first();
  await page.getByTestId('agreement-a').selectOption((await annOption.getAttribute('value'))!);
  const autoOption = page.getByTestId('agreement-b').locator('option', { hasText: '[automatic]' }).first();
  await page.getByTestId('agreement-b').selectOption((await autoOption.getAttribute('value'))!);
  const h = page.locator('[data-testid="agreement-row"][data-label="hallucination"]');
  // A: the one imported span, a copy of an automatic one, so its exact match is found (recall 1).
  await expect(h).toContainText('(1 /');
  await expect(h.locator('td').nth(1)).toHaveAttribute('title', /recall 100\.0% \(1\/1\)/);
  await expect(h.getByTestId('agreement-kappa')).toContainText('n=');
});
