import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('a local run names its scorer as an approximation and says what its curves mean', async ({ page, request }) => {
  const id = await launchViaApi(request, { name: uniqueName('e2e-scorer'), config: { maxSteps: 3 } });
  const control = await launchViaApi(request, { name: uniqueName('e2e-control'), config: { maxSteps: 3, local: { perceptionFree: true } } });
  await waitForRunStatus(request, id, 'succeeded');
  await page.goto(`/runs/${id}`);
  // The e2e runner has no JUDGE_BASE_URL / EMBEDDING_BASE_URL: lexical providers over the local simulation.
  await expect(page.getByTestId('run-scorer-label')).toHaveText(
    'local CPU simulation (simulated perception, not a video model); lexical embedder + lexical judge — offline approximations, not BGE-M3 / Qwen2.5-72B',
  );
  await expect(page.getByTestId('run-scorer-approximate')).toBeVisible();
  await expect(page.getByTestId('run-scorer')).toContainText('δ 0.5');
  await expect(page.getByTestId('local-simulation-notice')).toContainText('Part of the rise is not perception');
  await expect(page.getByTestId('local-simulation-notice')).toContainText('local.perceptionFree: true');

  // The Figure 2 export names the approximations (local simulation, lexical judge / embedder) per run.
  await expect(page.getByTestId('figure2-svg')).toBeEnabled();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('figure2-svg').click()]);
  const svg = readFileSync((await download.path()) as string, 'utf8');
  expect(svg).toContain('Raw curves faint');
  expect(svg).toMatch(/<text class="note"[^>]*>e2e-scorer-[^<]*: local CPU simulation; lexical judge\/embedder — approximations, not the paper&apos;s setup<\/text>/);

  // The rollout views carry the same marks as the charts.
  await page.goto(`/runs/${id}/rollouts`);
  await expect(page.getByTestId('rollouts-simulation-notice')).toContainText('Simulation, not video understanding.');
  await expect(page.getByTestId('rollouts-approximate')).toHaveText('≈ lexical');
  await page.getByTestId('rollout-row').first().locator('a').first().click();
  await page.waitForURL(/\/rollouts\/[^/?]+$/);
  await expect(page.getByTestId('rollout-detail')).toBeVisible();
  await expect(page.getByTestId('rollouts-simulation-notice')).toBeVisible();
  await expect(page.getByTestId('rollouts-approximate')).toBeVisible();
  // Every Tscore breakdown shown carries the badge (a format failure may have none).
  await expect(page.getByTestId('tscore-approximate')).toHaveCount(await page.locator('section[aria-label="Tscore breakdown"]').count());

  await waitForRunStatus(request, control, 'succeeded');
  await page.goto(`/runs/${control}`);
  await expect(page.getByTestId('local-simulation-notice')).toContainText('Perception-free control.');
  await expect(page.getByTestId('run-scorer-approximate')).toBeVisible();
});
