import { expect, test } from '@playwright/test';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('overlay a second run, smooth, and reopen the same view from the copied URL', async ({ page, request, context }) => {
  test.setTimeout(300_000);
  const nameA = uniqueName('e2e-overlay-a');
  const nameB = uniqueName('e2e-overlay-b');
  const a = await launchViaApi(request, { name: nameA, config: { maxSteps: 30 } });
  const b = await launchViaApi(request, { name: nameB, config: { maxSteps: 30, local: { seed: 7 } } });
  await waitForRunStatus(request, a, 'succeeded', 240_000);
  await waitForRunStatus(request, b, 'succeeded', 240_000);

  await page.goto(`/runs/${a}`);
  const rewardChart = page.getByTestId('metric-chart-reward');
  await expect(rewardChart.getByRole('list', { name: 'runs in reward' })).toContainText(nameA);

  await page.getByTestId('run-picker-select').selectOption(b);
  await page.getByTestId('run-picker-add').click();
  await expect(page).toHaveURL(new RegExp(`[?&]runs=${b}`));
  const legend = rewardChart.getByRole('list', { name: 'runs in reward' });
  await expect(legend).toContainText(nameA);
  await expect(legend).toContainText(nameB);
  await expect(legend.getByText('(no points)')).toHaveCount(0);
  for (const key of ['think_score', 'response_length']) {
    await expect(page.getByRole('list', { name: `runs in ${key}` }).getByRole('listitem')).toHaveCount(2);
  }

  // Smoothing: keyboard moves the slider over the offered weights, key-up commits it to the URL and
  // the server re-smooths (the chart says which weight its curves carry).
  const slider = page.getByTestId('smoothing-slider');
  await expect(slider).toHaveAttribute('aria-valuetext', '0.6');
  await slider.focus();
  await page.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuetext', '0.999');
  await expect(page).toHaveURL(/[?&]smoothing=0\.999/);
  await expect(rewardChart).toHaveAttribute('data-smoothing', '0.999');

  // Metric picker: hide a chart (written to ?keys=), then show all again.
  await page.getByTestId('metric-picker-toggle').click();
  await page.getByTestId('metric-picker-option-response_length').uncheck();
  await expect(page).toHaveURL(/[?&]keys=[^&]*think_score/);
  await expect(page).not.toHaveURL(/keys=[^&]*response_length/);
  await expect(page.getByTestId('metric-chart-response_length')).toHaveCount(0);
  await page.getByTestId('metric-picker-all').click();
  await expect(page).not.toHaveURL(/keys=/);
  await expect(page.getByTestId('metric-chart-response_length')).toBeVisible();
  await page.getByTestId('metric-picker-toggle').click(); // close the dropdown

  await page.getByTestId('x-axis-relative').click();
  await expect(page).toHaveURL(/[?&]x=relative/);
  await expect(page.getByTestId('x-axis-relative')).toHaveAttribute('aria-checked', 'true');

  const url = page.url();
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('run-chip')).toHaveCount(2);
  await expect(other.getByTestId('run-chip').nth(1)).toHaveAttribute('data-run-id', b);
  await expect(other.getByTestId('smoothing-slider')).toHaveAttribute('aria-valuetext', '0.999');
  await expect(other.getByTestId('x-axis-relative')).toHaveAttribute('aria-checked', 'true');
  const legend2 = other.getByTestId('metric-chart-reward').getByRole('list', { name: 'runs in reward' });
  await expect(legend2).toContainText(nameA);
  await expect(legend2).toContainText(nameB);

  // The /compare page takes the same `runs=` parameter.
  await other.goto(`/compare?runs=${a},${b}`);
  await expect(other.getByTestId('metric-chart-think_score').getByRole('listitem')).toHaveCount(2);
});
