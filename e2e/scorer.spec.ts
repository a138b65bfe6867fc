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

  await waitForRunStatus(request, control, 'succeeded');
  await page.goto(`/runs/${control}`);
  await expect(page.getByTestId('local-simulation-notice')).toContainText('Perception-free control.');
  await expect(page.getByTestId('run-scorer-approximate')).toBeVisible();
});
