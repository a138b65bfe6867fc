import { expect, test } from '@playwright/test';
import { chartStat, PRIMARY_KEYS, uniqueName } from './helpers';

test('launch a local GRPO run from the form and watch its curves grow live', async ({ page }) => {
  // 60 steps with a 100 ms delay; on a loaded CI box a step (sampling + scoring G completions of 8 clips) can take seconds.
  test.setTimeout(300_000);
  const name = uniqueName('e2e-launch');
  await page.goto('/runs/new');
  await page.getByTestId('launch-name').fill(name);
  await page.getByTestId('launch-kind').selectOption('grpo');
  await page.getByTestId('launch-backend').selectOption('local');
  await page.getByTestId('launch-config.maxSteps').fill('60');
  await page.getByTestId('launch-config.local.stepDelayMs').fill('100');
  await page.getByTestId('launch-submit').click();

  await page.waitForURL(/\/runs\/(?!new)[^/?]+$/);
  await expect(page.getByTestId('run-name')).toHaveText(name);
  await expect(page.getByTestId('run-backend')).toContainText('local (CPU simulation');

  const runPage = page.getByTestId('run-page');
  await expect(runPage).toHaveAttribute('data-status', 'running', { timeout: 60_000 });

  // First observation while running: the three paper curves have points.
  let first = 0;
  await expect
    .poll(async () => {
      const s = await chartStat(page, 'think_score');
      first = s.lastStep ?? -1;
      return s.points;
    }, { timeout: 90_000 })
    .toBeGreaterThan(0);
  expect(await runPage.getAttribute('data-status')).toBe('running');
  // Second observation: more steps plotted (live refetch without reload).
  await expect.poll(async () => (await chartStat(page, 'think_score')).lastStep ?? -1, { timeout: 90_000 }).toBeGreaterThan(first);

  await expect(runPage).toHaveAttribute('data-status', 'succeeded', { timeout: 240_000 });
  await expect(page.getByTestId('cancel-run')).toHaveCount(0);
  for (const key of PRIMARY_KEYS) {
    await expect(page.getByTestId(`metric-chart-${key}`)).toBeVisible();
    await expect(page.getByTestId(`chart-empty-${key}`)).toHaveCount(0);
    await expect.poll(async () => (await chartStat(page, key)).lastStep ?? -1).toBeGreaterThanOrEqual(59);
    await expect(page.getByTestId(`metric-chart-${key}`).locator('svg g.metric-chart-series path').first()).toBeAttached();
  }
  await expect(page.getByTestId('run-progress')).toContainText('60/60');
  await expect(page.getByTestId('run-transitions')).toContainText('running → succeeded');
  await page.screenshot({ path: '/tmp/run-page.png', fullPage: true });
  // The local backend counts words, and says so; no debug lines under the charts.
  await expect(page.getByTestId('metric-chart-response_length').locator('h3')).toHaveText('response_length (words)');
  await expect(page.getByTestId('chart-stats')).toHaveCount(0);

  // Hover shows the step of the stored point under the cursor (a whole step, not the cursor's x);
  // drag-to-zoom writes whole steps to the URL and re-fetches that window only.
  const plot = page.getByTestId('metric-chart-think_score').locator('svg.recharts-surface').first();
  const box = (await plot.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5 + 3.3, y);
  const tooltip = page.getByTestId('chart-tooltip').first();
  await expect(tooltip).toBeVisible();
  await expect(tooltip.getByTestId('chart-tooltip-step')).toHaveText(/^step \d+$/);
  const hovered = Number(await tooltip.getAttribute('data-step'));
  expect(Number.isInteger(hovered) && hovered >= 0 && hovered <= 60).toBe(true);
  await page.mouse.move(box.x + box.width * 0.35, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.65, y, { steps: 5 });
  await page.mouse.up();
  await expect(page).toHaveURL(/[?&]zoom=\d+,\d+(&|$)/);
  await expect.poll(async () => (await chartStat(page, 'think_score')).total).toBeLessThan(50);
  await page.getByTestId('reset-zoom').click();
  await expect(page).not.toHaveURL(/zoom=/);
  await expect.poll(async () => (await chartStat(page, 'think_score')).total).toBeGreaterThanOrEqual(60);
});
