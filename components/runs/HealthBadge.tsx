'use client';

import { api } from '../providers/trpc';

const TONES = {
  ok: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-200',
  degraded: 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200',
  down: 'bg-red-100 text-red-800 dark:bg-red-900/40 dark:text-red-200',
} as const;

/**
 * Green when database and Redis answer and runners can take the queued work; amber when no runner
 * is connected or a queued run waits on a queue no runner consumes (nothing would run); red with
 * the failing part named otherwise. The tooltip lists every queue without a runner.
 */
export function HealthBadge() {
  const health = api.system.health.useQuery(undefined, { refetchInterval: 10_000 });
  if (health.isLoading) return <span className="text-xs text-zinc-500">checking…</span>;
  const h = health.data;
  if (!h) return <span className={`rounded px-2 py-0.5 text-xs ${TONES.down}`}>server unreachable</span>;
  const runners = `${h.runners} runner${h.runners === 1 ? '' : 's'}`;
  let text: string;
  if (h.status === 'down') text = `down: ${(h.failing ?? []).join(', ')}`;
  else if (h.status === 'degraded') text = h.runners === 0 ? 'no runner connected' : `${runners} · ${h.warnings[0] ?? 'degraded'}`;
  else text = `healthy · ${runners}`;
  const title = [`db: ${h.db}`, `redis: ${h.redis}`, ...h.warnings, ...(h.unserved.length ? ['queues without a runner:', ...h.unserved] : [])].join('\n');
  return (
    <span data-testid="health-badge" data-ok={h.ok ? 'true' : 'false'} data-status={h.status} title={title} className={`rounded px-2 py-0.5 text-xs ${TONES[h.status]}`}>
      {text}
    </span>
  );
}
