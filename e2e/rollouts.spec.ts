import { expect, test } from '@playwright/test';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('browse a GRPO group and open one rollout with its scoring breakdown', async ({ page, request }) => {
  test.setTimeout(300_000);
  const G = 4;
  const id = await launchViaApi(request, { name: uniqueName('e2e-rollouts'), config: { maxSteps: 6, grpo: { numGenerations: G }, local: { clipsPerStep: 3 } } });
  await waitForRunStatus(request, id, 'succeeded', 240_000);

  await page.goto(`/runs/${id}/rollouts`);
  const groups = page.getByTestId('group-item');
  await expect(groups.first()).toBeVisible();
  await groups.first().click();

  const cards = page.getByTestId('rollout-card');
  await expect(cards).toHaveCount(G);
  await expect(cards.first()).toContainText(/\d+ words/); // the local backend counts words
  const advantages = page.getByTestId('rollout-advantage');
  await expect(advantages).toHaveCount(G);
  for (const t of await advantages.allTextContents()) expect(t).toMatch(/-?\d+\.\d+/);
  const group = page.getByTestId('rollout-group');
  await expect(group).toContainText('format');
  await expect(group).toContainText('Tscore');

  // Filtered list with keyset pagination.
  const rows = page.getByTestId('rollout-row');
  await expect(rows).toHaveCount(25);
  await page.getByTestId('load-more').click();
  await expect(rows).toHaveCount(50);
  await page.getByTestId('filter-advantage').selectOption('positive');
  await expect(rows.first()).toBeVisible();
  for (const s of await page.getByTestId('rollout-row').locator('[data-sign]').evaluateAll((els) => els.map((e) => e.getAttribute('data-sign')))) {
    expect(s).toBe('positive');
  }

  // Sort by reward, high to low, across a keyset page boundary.
  await page.getByTestId('filter-advantage').selectOption('');
  await page.getByTestId('rollout-list-sort').selectOption('reward');
  await expect(rows).toHaveCount(25);
  await page.getByTestId('load-more').click();
  await expect(rows).toHaveCount(50);
  const rewards = await rows.locator('[data-reward]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-reward'))));
  expect(rewards).toHaveLength(50);
  expect(rewards).toEqual([...rewards].sort((a, b) => b - a));
  expect(rewards[0]).toBeGreaterThan(rewards[49]!);

  await cards.first().getByTestId('rollout-open').click();
  await page.waitForURL(new RegExp(`/runs/${id}/rollouts/\\d+$`));
  await expect(page.getByTestId('rollout-detail')).toBeVisible();
  await expect(page.getByTestId('reference-caption')).not.toBeEmpty();
  const breakdown = page.getByTestId('score-breakdown');
  await expect(breakdown).toBeVisible();
  const entities = page.getByTestId('score-entity');
  await expect(entities.first()).toBeVisible();
  await expect(entities.first()).toContainText(/entity sim \d\.\d{3} = F1attr \d\.\d{3} \+ F1act \d\.\d{3} \+ name sim \d\.\d{3} \(Eq\. 4\)/);
  await expect(page.getByTestId('escore-thresholds').first()).toContainText('event coverage < 0.28 → 0, < 0.35 → 0.5, else 1');
  await expect(page.getByTestId('rollout-diff-step').first()).toBeVisible();
});
