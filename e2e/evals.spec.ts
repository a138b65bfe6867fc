import { expect, test } from '@playwright/test';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('evaluate a local checkpoint from the browser: summary, clips sorted by recall, a clip with its verdicts', async ({ page, request }) => {
  test.setTimeout(300_000);
  const trained = uniqueName('e2e-eval-src');
  const runId = await launchViaApi(request, { name: trained, config: { maxSteps: 4, dataset: 'dream-1k:40', local: { clipsPerStep: 2, checkpointEvery: 2 } } });
  await waitForRunStatus(request, runId, 'succeeded', 120_000);

  await page.goto(`/evals/new?run=${runId}`);
  const name = uniqueName('e2e-eval');
  await page.getByTestId('eval-name').fill(name);
  await expect(page.getByTestId('eval-benchmark-dream-1k')).toBeChecked();
  await expect(page.getByTestId('eval-source-checkpoint')).toBeChecked();
  await expect(page.getByTestId('eval-simulated-warning')).toBeVisible();
  await expect(page.getByTestId('eval-checkpoint')).toHaveValue(/.+/);
  await page.getByTestId('eval-max-clips').fill('12');
  await page.getByTestId('eval-submit').click();

  await page.waitForURL(/\/evals\/[^/]+$/);
  await expect(page.getByTestId('eval-name')).toHaveText(name);
  await expect(page.getByTestId('eval-page')).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
  await expect(page.getByTestId('eval-simulated')).toBeVisible();
  await expect(page.getByTestId('eval-lexical')).toBeVisible();
  await expect(page.getByTestId('eval-judge')).toContainText(/lexical-judge-v\d+/);
  const overall = page.getByTestId('eval-value-dream-1k-overall-recall');
  await expect(overall).toBeVisible();
  const value = Number(await overall.getAttribute('data-value'));
  expect(value).toBeGreaterThanOrEqual(0);
  expect(value).toBeLessThanOrEqual(100);

  // The number → the clips behind it, sorted by recall (descending).
  await overall.click();
  await page.waitForURL(/\/clips\?/);
  await expect(page.getByTestId('eval-clips-total')).toHaveText('12 clips');
  const recalls = (await page.getByTestId('eval-cell-recall').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value')))));
  expect(recalls).toHaveLength(12);
  expect(recalls).toEqual([...recalls].sort((a, b) => b - a));
  await page.getByTestId('eval-sort-recall').click();
  await expect(page).toHaveURL(/order=asc/);
  await expect
    .poll(async () => page.getByTestId('eval-cell-recall').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value')))))
    .toEqual([...recalls].sort((a, b) => a - b));

  // A clip: prediction, reference, each human event with its verdict and reason.
  await page.getByTestId('eval-clip-link').first().click();
  await expect(page.getByTestId('eval-sample-page')).toBeVisible();
  await expect(page.getByTestId('eval-sample-reference')).not.toBeEmpty();
  await expect(page.getByTestId('eval-sample-prediction')).not.toBeEmpty();
  const rows = page.getByTestId('eval-reference-events-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first()).toHaveAttribute('data-relationship', /^(entailment|neutral|contradiction)$/);
  await expect(rows.first()).toContainText('lexical overlap');

  // The evaluated run's page lists the evaluation.
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId('run-eval-row').first()).toBeVisible();
});

test('upload predictions by drag and drop: the report names bad input, the evaluation scores the rest', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/evals/new');
  await page.getByTestId('eval-name').fill(uniqueName('e2e-eval-upload'));
  const text = [
    '{"vid": 1, "caption": "A character emerges from smoke and kneels on the ground."}',
    '{"vid": 2, "caption": "<error>"}',
    '{"vid": 5, "caption": "Two characters talk."}',
    '{"vid": 99999, "caption": "no such clip"}',
    '{"vid": 1, "caption": "a duplicate"}',
  ].join('\n');
  await page.getByTestId('eval-dropzone').evaluate((el, content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'preds.jsonl', { type: 'application/json' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  const row = page.getByTestId('eval-upload-row');
  await expect(row).toBeVisible();
  // evaluated, missing, unknown ids, duplicates, empty, <error>
  await expect(row.locator('td')).toHaveText(['preds.jsonl', '3', '997', '1', '1', '0', '1']);
  await page.getByTestId('eval-submit').click();
  await page.waitForURL(/\/evals\/[^/]+$/);
  await expect(page.getByTestId('eval-page')).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('eval-simulated')).toHaveCount(0);
  await expect(page.getByTestId('eval-model')).toContainText('preds.jsonl');
  await page.getByTestId('eval-clips-dream-1k').click();
  await expect(page.getByTestId('eval-clips-total')).toHaveText('3 clips');
  await expect(page.locator('[data-clip="dream-1k/2"]')).toContainText('error-caption');
});
