import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
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

test('CSV export downloads the raw values of a plotted series', async ({ page, request }) => {
  const id = await launchViaApi(request, { name: uniqueName('e2e-csv'), config: { maxSteps: 20 } });
  await waitForRunStatus(request, id, 'succeeded');
  await page.goto(`/runs/${id}`);
  await expect.poll(async () => (await chartStat(page, 'reward')).points).toBeGreaterThan(0);
  const points = (await chartStat(page, 'reward')).points;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chart-csv-reward').click()]);
  const text = await readFile((await download.path())!, 'utf8');
  const lines = text.trimEnd().split(/\r?\n/);
  expect(lines[0]).toBe('run,key,step,wall_time,value');
  expect(lines).toHaveLength(points + 1);
  const steps = lines.slice(1).map((l) => Number(l.split(',').at(-3)));
  expect(steps).toEqual([...steps].sort((a, b) => a - b));
  for (const l of lines.slice(1)) expect(Number.isFinite(Number(l.split(',').at(-1)))).toBe(true);
});
