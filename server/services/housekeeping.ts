/**
 * No run stays "running" forever. A run in starting/running whose runner or importer has gone silent
 * (no ingest batch or status report for `deadlineMs`, Run.lastReportAt) moves to failed with the reason —
 * unless something will still continue it:
 *  - a live runner (Redis heartbeat) lists the run as active: it is working (ms-swift can load a model for
 *    minutes without logging a line);
 *  - its BullMQ job is waiting, delayed or active and a live runner serves its queue: the stalled-job check
 *    hands a dead runner's job to that runner after RUNNER_LOCK_MS, which resumes it from the last checkpoint.
 * Imports (backend "import") have no one to resume them: silence past the deadline fails them.
 * The deadline (RUN_LOST_CONTACT_MS, default 15 min) is kept well past RUNNER_LOCK_MS (default 30 s) plus the
 * stalled-check interval, so a run BullMQ is about to resume is never failed.
 */
import { isBackend } from '../../core/jobs';
import type { RunnerHeartbeat } from '../../core/jobs';
import type { RunKind } from '../../core/types';
import type { Db } from '../db';
import { aliveRunners, queueFor } from '../queue';
import { ConflictError } from './errors';
import { transitionRun } from './runs';

export interface LostContactOptions {
  deadlineMs: number;
  now?: Date;
  /** Live runners (default: the Redis heartbeats). */
  runners?: () => Promise<RunnerHeartbeat[]>;
  /** BullMQ state of a run's job (default: server/queue.ts); null when there is no job. */
  jobState?: (runId: string, kind: RunKind, backend: 'local' | 'swift') => Promise<string | null>;
}

async function bullJobState(runId: string, kind: RunKind, backend: 'local' | 'swift'): Promise<string | null> {
  const job = await queueFor(kind, backend).getJob(runId);
  return job ? await job.getState() : null;
}

const RESUMABLE_JOB_STATES = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);

function minutes(ms: number): string {
  const m = ms / 60_000;
  return Number.isInteger(m) ? `${m} min` : `${Math.round(ms / 1000)} s`;
}

/** Fails the runs that lost contact (see the module comment). Returns what it did. */
export async function failRunsThatLostContact(db: Db, options: LostContactOptions): Promise<{ id: string; reason: string }[]> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.deadlineMs);
  const candidates = await db.run.findMany({
    where: {
      status: { in: ['starting', 'running'] },
      OR: [{ lastReportAt: { lt: cutoff } }, { lastReportAt: null, updatedAt: { lt: cutoff } }],
    },
    select: { id: true, kind: true, backend: true, lastReportAt: true, updatedAt: true, runnerId: true },
  });
  if (candidates.length === 0) return [];
  const runners = await (options.runners ?? aliveRunners)();
  const active = new Set(runners.flatMap((r) => r.activeRunIds));
  const served = new Set(runners.flatMap((r) => r.backends));
  const jobState = options.jobState ?? bullJobState;
  const failed: { id: string; reason: string }[] = [];
  for (const run of candidates) {
    if (active.has(run.id)) continue;
    const last = run.lastReportAt ?? run.updatedAt;
    const silentFor = `no report since ${last.toISOString()} (over ${minutes(options.deadlineMs)})`;
    let reason: string;
    if (isBackend(run.backend)) {
      const state = await jobState(run.id, run.kind, run.backend).catch(() => null);
      if (state && RESUMABLE_JOB_STATES.has(state) && served.has(run.backend)) continue; // BullMQ hands it to that runner
      reason =
        `lost contact: the runner${run.runnerId ? ` ${run.runnerId}` : ''} stopped reporting, ${silentFor}, and no live ${run.backend} runner ` +
        `can resume it; clone the run to continue from its last checkpoint`;
    } else {
      reason = `import failed: lost contact with the importer, ${silentFor}`;
    }
    try {
      await transitionRun(db, run.id, 'failed', reason);
      failed.push({ id: run.id, reason });
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // finished meanwhile
    }
  }
  return failed;
}

const g = globalThis as unknown as { videocapHousekeeping?: NodeJS.Timeout };

/** Runs the lost-contact check every `intervalMs` in this process (started once by instrumentation.ts). */
export function startHousekeeping(getDb: () => Db, deadlineMs: number, intervalMs = 60_000, log: (m: string) => void = console.log): void {
  if (g.videocapHousekeeping) return;
  let busy = false;
  g.videocapHousekeeping = setInterval(() => {
    if (busy) return;
    busy = true;
    failRunsThatLostContact(getDb(), { deadlineMs })
      .then((failed) => {
        for (const f of failed) log(`run ${f.id} marked failed: ${f.reason}`);
      })
      .catch((e: unknown) => log(`lost-contact check failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  g.videocapHousekeeping.unref?.();
}
