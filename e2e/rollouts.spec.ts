import { expect, test } from '@playwright/test';
import { launchViaApi, uniqueName, waitForRunStatus } from './helpers';

test('browse a GRPO group and open one rollout with its scoring breakdown', async ({ page, request }) => {
  test.setTimeout(300_000);
  const G = 7; // the paper's num_generations: the whole group fits on screen
  const id = await launchViaApi(request, { name: uniqueName('e2e-rollouts'), config: { maxSteps: 6, grpo: { numGenerations: G }, local: { clipsPerStep: 3 } } });
  // A second run, whose rollouts must not open under the first run's address.
  const other = await launchViaApi(request, { name: uniqueName('e2e-rollouts-other'), config: { maxSteps: 1, grpo: { numGenerations: 2, globalBatchSize: 2 }, local: { clipsPerStep: 1 } } });
  await waitForRunStatus(request, id, 'succeeded', 240_000);
  await waitForRunStatus(request, other, 'succeeded', 60_000);

  await page.goto(`/runs/${id}/rollouts`);
  const groups = page.getByTestId('group-item');
  await expect(groups.first()).toBeVisible();
  await groups.first().click();

  const cards = page.getByTestId('rollout-card');
  await expect(cards).toHaveCount(G);
  await expect(cards.first()).toContainText(/\d+ words/); // the local backend counts words
  // All G cards are inside the viewport's width (they wrap; no hidden horizontal scroll).
  const viewportWidth = page.viewportSize()!.width;
  for (const box of await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as { left: number; right: number }))) {
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(viewportWidth);
  }
  const list = page.getByTestId('rollout-cards');
  expect(await list.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
  await expect(page).toHaveURL(/[?&]group=\d+%3A/); // the selected group is in the URL
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

  // Filters live in the URL: a reload keeps them (and the selected group); min > max says so.
  await page.getByTestId('filter-step-min').fill('2');
  await page.getByTestId('filter-step-max').fill('3');
  await expect(page).toHaveURL(/stepMin=2&stepMax=3&sort=reward/);
  await page.reload();
  await expect(page.getByTestId('filter-step-min')).toHaveValue('2');
  await expect(page.getByTestId('filter-step-max')).toHaveValue('3');
  await expect(page.getByTestId('rollout-list-sort')).toHaveValue('reward');
  await expect(cards).toHaveCount(G);
  await expect(rows.first()).toBeVisible();
  const steps = await rows.evaluateAll((els) => els.map((e) => Number(e.querySelector('td')!.textContent)));
  expect(steps.every((s) => s >= 2 && s <= 3)).toBe(true);
  await page.getByTestId('filter-step-min').fill('5');
  await expect(page.getByTestId('filter-error')).toHaveText('step min 5 > max 3: no step can match');
  await expect(rows).toHaveCount(0);
  await page.getByTestId('filter-step-min').fill('');

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

  // A rollout that does not exist, or that belongs to another run, is a real 404.
  const otherRollout = await request.get(`/api/trpc/rollout.list?input=${encodeURIComponent(JSON.stringify({ json: { runId: other, limit: 1 } }))}`);
  const otherId = (await otherRollout.json()).result.data.json.items[0].id as string;
  for (const url of [`/runs/${id}/rollouts/999999999999`, `/runs/${id}/rollouts/${otherId}`, `/runs/${id}/rollouts/not-a-number`]) {
    const res = await page.goto(url);
    expect(res?.status(), url).toBe(404);
    await expect(page.getByTestId('not-found')).toContainText('Rollout not found');
  }
  expect((await page.goto(`/runs/${other}/rollouts/${otherId}`))?.status()).toBe(200);
});
