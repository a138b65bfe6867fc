import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** A name no other test (or earlier run of the suite) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** run.launch through tRPC's HTTP endpoint (superjson envelope). Returns the new run id. */
export async function launchViaApi(
  request: APIRequestContext,
  input: { name: string; kind?: 'grpo' | 'sft' | 'eval'; backend?: 'local' | 'swift'; config?: Record<string, unknown> },
): Promise<string> {
  const res = await request.post('/api/trpc/run.launch', {
    data: { json: { name: input.name, kind: input.kind ?? 'grpo', backend: input.backend ?? 'local', config: input.config ?? { maxSteps: 30 } } },
  });
  const body = await res.json();
  expect(res.ok(), JSON.stringify(body)).toBeTruthy();
  const id = body?.result?.data?.json?.id as string | undefined;
  expect(id, JSON.stringify(body)).toBeTruthy();
  return id!;
}

/** run.get through tRPC's HTTP endpoint. */
export async function getRunViaApi(request: APIRequestContext, id: string): Promise<{ status: string; lastStep: number; rolloutCount: number; name: string }> {
  const input = encodeURIComponent(JSON.stringify({ json: { id } }));
  const res = await request.get(`/api/trpc/run.get?input=${input}`);
  const body = await res.json();
  expect(res.ok(), JSON.stringify(body).slice(0, 500)).toBeTruthy();
  return body.result.data.json;
}

/** Poll until the run reaches `status` (fails early if it ends in another terminal state). */
export async function waitForRunStatus(request: APIRequestContext, id: string, status: string, timeoutMs = 90_000): Promise<void> {
  await expect
    .poll(
      async () => {
        let r: Awaited<ReturnType<typeof getRunViaApi>>;
        try {
          r = await getRunViaApi(request, id);
        } catch (e) {
          // A transient connection error (e.g. the dev server recompiling) is retried by the poll.
          if (e instanceof Error && /ECONNRESET|ECONNREFUSED|socket hang up/.test(e.message)) return 'unreachable';
          throw e;
        }
        if (['failed', 'cancelled', 'succeeded'].includes(r.status) && r.status !== status) {
          throw new Error(`run ${id} ended ${r.status}, expected ${status}`);
        }
        return r.status;
      },
      { timeout: timeoutMs, intervals: [500, 1000] },
    )
    .toBe(status);
}

/** Hidden statistics a metric chart carries for the page's own run: points drawn, points stored, last step. */
export async function chartStat(page: Page, key: string): Promise<{ points: number; total: number; lastStep: number | null }> {
  const el = page.getByTestId(`metric-chart-${key}`);
  if ((await el.count()) === 0) return { points: 0, total: 0, lastStep: null };
  const points = Number((await el.getAttribute('data-points')) ?? '0');
  const total = Number((await el.getAttribute('data-total')) ?? '0');
  const last = await el.getAttribute('data-last-step');
  return { points, total, lastStep: last ? Number(last) : null };
}

export const PRIMARY_KEYS = ['think_score', 'reward', 'response_length'] as const;
