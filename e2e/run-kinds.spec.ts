import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { uniqueName } from './helpers';

/** A tRPC mutation over HTTP (superjson envelope); returns its data. */
async function mutate<T>(request: APIRequestContext, proc: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${proc}`, { data: { json: input } });
  const body = await res.json();
  expect(res.ok(), JSON.stringify(body).slice(0, 500)).toBeTruthy();
  return body.result.data.json as T;
}

test('an evaluation run is described by its kind, not as the GRPO CPU simulation; clone opens the evaluation form', async ({ page, request }) => {
  const text = readFileSync(fileURLToPath(new URL('../data/model-captions/dream1k-explorer-sample.jsonl', import.meta.url)), 'utf8');
  const up = await mutate<{ sources: { id: string; model: string; reused: boolean }[]; skippedModels: string[] }>(request, 'eval.uploadPredictions', {
    benchmark: 'dream-1k',
    fileName: 'dream1k-explorer-sample.jsonl',
    text,
  });
  // The seed imported the same captions: reused, and the "Human" reference is no model source.
  expect(up.skippedModels).toEqual(['Human']);
  expect(up.sources.every((s) => s.reused)).toBe(true);
  const qwen = up.sources.find((s) => s.model === 'Qwen2-VL-7B')!;
  const name = uniqueName('e2e-eval-kind');
  const { id } = await mutate<{ id: string }>(request, 'eval.launch', {
    name,
    config: { benchmarks: ['dream-1k'], judge: { kind: 'lexical' }, maxClips: 3, source: { kind: 'imported', captionSourceId: qwen.id, model: 'Qwen2-VL-7B', fileName: 'dream1k-explorer-sample.jsonl', format: 'multi-model' } },
  });

  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId('run-kind')).toHaveText('eval');
  await expect(page.getByTestId('run-backend')).not.toContainText('simulation');
  await expect(page.getByTestId('run-eval-benchmarks')).toHaveText('dream-1k');
  await expect(page.getByTestId('run-eval-judge')).toContainText('offline lexical judge');
  await expect(page.getByTestId('run-eval-judge-approximate')).toHaveText('≈ lexical');
  await expect(page.getByTestId('run-eval-captions')).toContainText('Qwen2-VL-7B');
  await expect(page.getByTestId('local-simulation-notice')).toHaveCount(0);
  await expect(page.getByTestId('run-scorer')).toHaveCount(0);
  await expect(page.getByTestId('run-kind-page-link')).toHaveAttribute('href', `/evals/${id}`);
  await expect(page.getByTestId('run-eval-link')).toHaveAttribute('href', `/evals/${id}`);

  // The runs list describes it by its kind too.
  await page.goto('/');
  await expect(page.locator(`[data-run-id="${id}"] [data-testid="run-backend-cell"]`)).toHaveText('local (judge only)');

  // Clone: the evaluation launch form with its settings, not the GRPO form.
  await page.goto(`/runs/${id}`);
  await page.getByTestId('clone-run').click();
  await page.waitForURL(/\/evals\/new\?clone=/);
  await expect(page.getByTestId('eval-name')).toHaveValue(`${name} (clone)`);
  await expect(page.getByTestId('eval-benchmark-dream-1k')).toBeChecked();
  await expect(page.getByTestId('eval-judge-lexical')).toBeChecked();
  await expect(page.getByTestId('eval-max-clips')).toHaveValue('3');
  await expect(page.getByTestId('eval-cloned-source')).toContainText('Qwen2-VL-7B');
  await expect(page.getByText('unknown keys')).toHaveCount(0);
  await page.getByTestId('eval-submit').click();
  await page.waitForURL(/\/evals\/[^/?]+$/);

  // The GRPO form, given an evaluation to clone, points to the right form instead of complaining.
  await page.goto(`/runs/new?clone=${id}`);
  await expect(page.getByTestId('clone-other-kind-link')).toHaveAttribute('href', `/evals/new?clone=${id}`);
});

test('a curate run is described by what it curated; clone opens the curation form with its settings', async ({ page, request }) => {
  const name = uniqueName('e2e-curate-kind');
  const { id } = await mutate<{ id: string }>(request, 'curate.launch', {
    name,
    config: { source: { kind: 'folder', videoDir: '/nonexistent/videos', captionsPath: '/nonexistent/captions.jsonl' }, actionFilter: { targetSize: 77 } },
  });
  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId('run-backend')).not.toContainText('simulation');
  await expect(page.getByTestId('run-curate-source')).toContainText('/nonexistent/videos');
  await expect(page.getByTestId('run-curate-output')).toContainText('up to 77 clips');
  await expect(page.getByTestId('local-simulation-notice')).toHaveCount(0);
  await expect(page.getByTestId('run-kind-page-link')).toHaveAttribute('href', `/curate/${id}`);
  await page.getByTestId('clone-run').click();
  await page.waitForURL(/\/curate\?clone=/);
  await expect(page.getByTestId('curate-name')).toHaveValue(`${name} (clone)`);
  await expect(page.getByTestId('curate-videoDir')).toHaveValue('/nonexistent/videos');
  await expect(page.getByTestId('curate-targetSize')).toHaveValue('77');
});

test('/compare with no run picked asks for runs instead of showing empty charts', async ({ page }) => {
  await page.goto('/compare');
  await expect(page.getByTestId('charts-no-runs')).toContainText('No run picked');
  await expect(page.getByText(/no points for/)).toHaveCount(0);
  await expect(page.getByTestId('metric-chart-think_score')).toHaveCount(0);
});
