import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { parseCsv } from '../core/csv';
import { chartStat, launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('Cancel on the run page asks first, then stops a running job and records why', async ({ page, request }) => {
  const id = await launchViaApi(request, { name: uniqueName('e2e-cancel'), config: { maxSteps: 5000, local: { stepDelayMs: 100 } } });
  await page.goto(`/runs/${id}`);
  const runPage = page.getByTestId('run-page');
  await expect(runPage).toHaveAttribute('data-status', 'running', { timeout: 90_000 });
  // Cancelling asks first; "Keep it" leaves the run alone.
  await page.getByTestId('cancel-run').click();
  await expect(page.getByTestId('cancel-confirm')).toContainText('Stop this running run?');
  await page.getByTestId('keep-running').click();
  await expect(page.getByTestId('cancel-confirm')).toHaveCount(0);
  await page.waitForTimeout(1_000);
  await expect(runPage).toHaveAttribute('data-status', 'running');
  await page.getByTestId('cancel-run').click();
  await page.getByTestId('confirm-cancel').click();
  await expect(runPage).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(page.getByTestId('run-transitions')).toContainText('cancelled by user');
  await expect(page.getByTestId('cancel-run')).toHaveCount(0);
});

test('CSV export downloads the raw values of a plotted series, named by run id and name', async ({ page, request }) => {
  const name = uniqueName('e2e-csv');
  const id = await launchViaApi(request, { name, config: { maxSteps: 20 } });
  await waitForRunStatus(request, id, 'succeeded');
  await page.goto(`/runs/${id}`);
  await expect.poll(async () => (await chartStat(page, 'reward')).total).toBeGreaterThan(0);
  const total = (await chartStat(page, 'reward')).total;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-csv-reward').click()]);
  const rows = parseCsv(await readFile((await download.path())!, 'utf8'));
  expect(rows[0]).toEqual(['run_id', 'run', 'key', 'step', 'wall_time', 'value', 'scorer']);
  expect(rows).toHaveLength(total + 1);
  const steps = rows.slice(1).map((r) => Number(r[3]));
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  for (const r of rows.slice(1)) {
    expect(r.slice(0, 3)).toEqual([id, name, 'reward']);
    expect(Number.isFinite(Number(r[5]))).toBe(true);
  }
});
