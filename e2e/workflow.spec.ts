import { expect, test } from '@playwright/test';
import { getRunViaApi, launchViaApi, uniqueName } from './helpers';

// The e2e runner serves the local backend only (scripts/test.ts), so swift runs wait for a runner.

test('the launch form: datasets the server knows, the test-set warning, presets that set every field, and the mark on the run', async ({ page }) => {
  await page.goto('/runs/new');
  const dataset = page.getByTestId('launch-config.dataset');
  await expect(dataset.locator('option', { hasText: 'dream-1k — evaluation benchmark' })).toHaveCount(1);
  await expect(page.getByTestId('launch-dataset-warning')).toContainText('dream-1k is the evaluation benchmark dream-1k: this run trains on test data');

  // Switching presets moves the name and the experiment with them.
  await page.getByTestId('launch-preset').selectOption('t2-grpo');
  await expect(page.getByTestId('launch-experiment')).toHaveValue('paper-table2');
  await page.getByTestId('launch-preset').selectOption('t3-tscore-cnscore');
  await expect(page.getByTestId('launch-experiment')).toHaveValue('paper-table3');
  await expect(page.getByTestId('launch-name')).toHaveValue('ablation-tscore-cnscore');

  // An impossible combination is refused on its field before anything is sent.
  await page.getByTestId('launch-config.thinkingMode').selectOption('free-form');
  await page.getByTestId('launch-submit').click();
  await expect(page.getByTestId('field-error-config.rewards')).toContainText('Tscore');
  await expect(page).toHaveURL(/\/runs\/new$/);
  await page.getByTestId('launch-config.thinkingMode').selectOption('structured');

  const name = uniqueName('e2e-test-set');
  await page.getByTestId('launch-name').fill(name);
  await page.getByTestId('launch-config.maxSteps').fill('2');
  await page.getByTestId('launch-submit').click();
  await page.waitForURL(/\/runs\/(?!new)[^/?]+$/);
  await expect(page.getByTestId('trained-on-test-set')).toHaveText('trained on test set: dream-1k');
  await page.goto('/');
  await expect(page.getByTestId('runs-table').locator('tr', { hasText: name }).getByTestId('trained-on-test-set')).toBeVisible();
});

test('a queued run without a runner for its queue says so (run page, runs list, health), and cancelling asks first', async ({ page, request }) => {
  const name = uniqueName('e2e-waits');
  const id = await launchViaApi(request, { name, backend: 'swift', config: { maxSteps: 2 } });
  try {
    await page.goto(`/runs/${id}`);
    const note = page.getByTestId('run-attention');
    await expect(note).toContainText('grpo/swift: no runner connected');
    await expect(page.getByTestId('run-attention-command')).toHaveText('RUNNER_BACKENDS=swift RUNNER_GPUS=8 npx videocap runner');
    await expect(page.getByTestId('health-badge')).toHaveAttribute('data-status', 'degraded');
    await expect(page.getByTestId('health-badge')).toContainText('grpo/swift: no runner connected (1 queued run waiting)');

    await page.goto('/');
    const row = page.getByTestId('runs-table').locator(`[data-run-id="${id}"]`);
    await expect(row.getByTestId('run-row-attention')).toContainText('no runner for grpo/swift — start one: RUNNER_BACKENDS=swift RUNNER_GPUS=8 npx videocap runner');

    await page.goto(`/runs/${id}`);
    await page.getByTestId('cancel-run').click();
    await expect(page.getByTestId('cancel-confirm')).toContainText('Remove this run from the queue?');
    await page.getByTestId('confirm-cancel').click();
    await expect(page.getByTestId('run-page')).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('run-attention')).toHaveCount(0);
  } finally {
    if ((await getRunViaApi(request, id)).status === 'queued') await request.post('/api/trpc/run.cancel', { data: { json: { id } } });
  }
  await page.reload();
  await expect(page.getByTestId('health-badge')).toHaveAttribute('data-status', 'ok');
});

test('a cloned run whose config has keys this version does not know names them; the API refuses unknown keys with a suggestion', async ({ page, request }) => {
  // An imported run stores its trainer's config as it came.
  const created = await request.post('/api/ingest/runs', {
    headers: { authorization: `Bearer ${process.env.VIDEOCAP_RUNNER_TOKEN}` },
    data: { name: uniqueName('e2e-imported'), kind: 'grpo', backend: 'import', status: 'succeeded', config: { maxStep: 20, grpo: { numGeneration: 3 } } },
  });
  expect(created.ok()).toBeTruthy();
  const { id } = (await created.json()) as { id: string };
  await page.goto(`/runs/new?clone=${id}`);
  await expect(page.getByTestId('launch-ignored-keys')).toContainText('left out here: grpo.numGeneration, maxStep.');

  const res = await request.post('/api/trpc/run.launch', {
    data: { json: { name: uniqueName('e2e-typo'), kind: 'grpo', backend: 'local', config: { maxStep: 20 } } },
  });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.json.data.fieldErrors).toEqual({ 'config.maxStep': 'unknown key — did you mean maxSteps?' });
});

test('the app has a favicon', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="icon"]').first().getAttribute('href');
  expect(href).toBeTruthy();
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
});

test('/runs and /evals, typed by hand, land on the runs list and the evaluation form (not a 404)', async ({ page }) => {
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/evals');
  await expect(page).toHaveURL(/\/evals\/new$/);
});
