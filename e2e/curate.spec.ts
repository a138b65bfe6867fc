/**
 * Curation from the browser: a curate run over ffmpeg-made clips, launched with the form, shows its
 * funnel, flags the bad clips and the offline annotator, shows frames, and produces a training
 * dataset that a local GRPO run trains on.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeSyntheticFolder, type SyntheticFolder } from '../gpu-runner/curation/testing/synthetic';
import { getRunViaApi, launchViaApi, uniqueName, waitForRunStatus } from './helpers';

let folder: SyntheticFolder;

test.beforeAll(async () => {
  folder = await makeSyntheticFolder(await mkdtemp(path.join(tmpdir(), 'videocap-e2e-curate-')));
});

test('launch a curate run from the browser, see the funnel and the dataset it produced, train on it', async ({ page, request }) => {
  test.setTimeout(240_000);
  const name = uniqueName('curated');
  await page.goto('/curate');
  await page.getByTestId('curate-name').fill(name);
  await page.getByTestId('curate-videoDir').fill(folder.videoDir);
  await page.getByTestId('curate-captionsPath').fill(folder.captionsPath);
  await page.getByTestId('curate-threshold').fill('2');
  await page.getByTestId('curate-submit').click();
  await page.waitForURL(/\/curate\/[^/]+$/);
  const runId = page.url().split('/').pop()!;
  await waitForRunStatus(request, runId, 'succeeded', 180_000);

  await expect(page.getByTestId('curate-page')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('funnel-input')).toHaveAttribute('data-in', '16');
  await expect(page.getByTestId('funnel-duration')).toHaveAttribute('data-out', '5');
  await expect(page.getByTestId('funnel-dynamicity')).toHaveAttribute('data-out', '3');
  await expect(page.getByTestId('funnel-action')).toHaveAttribute('data-out', '2');
  await expect(page.getByTestId('curate-heuristic-badge')).toContainText('offline heuristic annotator');
  await expect(page.getByTestId('curate-dynamicity').locator('svg').first()).toBeVisible();

  await expect(page.getByTestId('curate-clip-truncated-15s.mp4')).toHaveAttribute('data-outcome', 'error');
  await expect(page.getByTestId('curate-clip-truncated-15s.mp4')).toContainText('truncated or damaged video');
  await expect(page.getByTestId('curate-clip-missing.mp4')).toContainText('caption without video');
  await page.getByTestId('curate-filter-kept').click();
  await expect(page.getByTestId('curate-clips').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('curate-clip-fast-15s.mp4').click();
  const frames = page.getByTestId('curate-selected').getByTestId('frame-strip-image');
  await expect(frames).toHaveCount(4);
  await expect.poll(() => frames.first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  await page.getByTestId('curate-output-link').click();
  await expect(page.getByTestId('dataset-page')).toHaveAttribute('data-kind', 'train');
  await expect(page.getByTestId('dataset-clip-count')).toContainText('2 clips');

  const grpo = await launchViaApi(request, { name: uniqueName('grpo-on-curated'), config: { dataset: name, maxSteps: 3, grpo: { numGenerations: 3, globalBatchSize: 6 }, local: { clipsPerStep: 2 } } });
  await waitForRunStatus(request, grpo, 'succeeded', 120_000);
  expect((await getRunViaApi(request, grpo)).rolloutCount).toBe(3 * 2 * 3);
});
