/**
 * Liveness of each part: database, Redis, runners. Never throws: a part that is down is named.
 *
 * `ok` is about the server itself (database and Redis answer; HTTP 503 otherwise). `status` is what
 * a person should see: "down" when `ok` is false, "degraded" when no runner is connected or a
 * queued run waits on a queue no runner consumes (nothing will run), else "ok".
 */
import { queueCoverage, type QueueCoverage } from '../../core/runner-status';
import type { Db } from '../db';
import { aliveRunners } from '../queue';
import { redis } from '../redis';

export interface QueueHealth extends QueueCoverage {
  /** Queued runs waiting on this queue. */
  waiting: number;
}

export interface Health {
  ok: boolean;
  status: 'ok' | 'degraded' | 'down';
  db: 'ok' | string;
  redis: 'ok' | string;
  runners: number;
  failing?: string[];
  /** Every (kind, backend) queue with its live runners and waiting runs. */
  queues: QueueHealth[];
  /** One line per queue without a live runner: `grpo/swift: no runner connected` (+ waiting runs). */
  unserved: string[];
  /** Why the status is not "ok", in words. */
  warnings: string[];
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms))]);
}

export async function checkHealth(getDb: () => Db): Promise<Health> {
  let dbStatus = 'ok';
  let redisStatus = 'ok';
  let heartbeats: Awaited<ReturnType<typeof aliveRunners>> = [];
  const waitingBy = new Map<string, number>();
  try {
    const rows = await withTimeout(
      getDb().$queryRaw<{ kind: string; backend: string; n: bigint }[]>`SELECT kind::text AS kind, backend, count(*) AS n FROM "Run" WHERE status = 'queued' GROUP BY 1, 2`,
      3000,
      'database',
    );
    for (const r of rows) waitingBy.set(`${r.kind}/${r.backend}`, Number(r.n));
  } catch (e) {
    dbStatus = `down: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  try {
    await withTimeout(redis().ping(), 2000, 'redis');
    heartbeats = await withTimeout(aliveRunners(), 2000, 'redis');
  } catch (e) {
    redisStatus = `down: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  const failing = [dbStatus !== 'ok' ? 'db' : null, redisStatus !== 'ok' ? 'redis' : null].filter((x): x is string => x !== null);
  const queues: QueueHealth[] = queueCoverage(heartbeats).map((q) => ({ ...q, waiting: waitingBy.get(q.queue) ?? 0 }));
  const unserved = queues
    .filter((q) => q.runners === 0)
    .map((q) => `${q.queue}: no runner connected${q.waiting ? ` (${q.waiting} queued run${q.waiting === 1 ? '' : 's'} waiting)` : ''}`);
  const warnings: string[] = [];
  if (failing.length === 0) {
    if (heartbeats.length === 0) warnings.push('no runner connected: queued runs wait until one starts (npx videocap runner)');
    for (const q of queues) {
      if (q.runners === 0 && q.waiting > 0 && heartbeats.length > 0) warnings.push(`${q.queue}: no runner connected (${q.waiting} queued run${q.waiting === 1 ? '' : 's'} waiting)`);
    }
  }
  const ok = failing.length === 0;
  return {
    ok,
    status: !ok ? 'down' : warnings.length ? 'degraded' : 'ok',
    db: dbStatus,
    redis: redisStatus,
    runners: heartbeats.length,
    ...(failing.length ? { failing } : {}),
    queues,
    unserved,
    warnings,
  };
}
