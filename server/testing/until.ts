/**
 * Polls `fn` until `ok(value)` (integration tests waiting on runners, queues and the database).
 * Rejects after `timeoutMs` with `what`, the last value (JSON, cut) and `context()` when given.
 */
export async function until<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 90_000,
  opts: { intervalMs?: number; context?: () => string } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) {
      const extra = opts.context ? `\n${opts.context()}` : '';
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v).slice(0, 800)}${extra}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
