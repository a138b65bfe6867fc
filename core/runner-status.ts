/**
 * Why a run is not moving, from the runners' heartbeats (core/jobs.ts): a queued run whose queue
 * no live runner consumes (or none with enough GPUs), and a starting/running run whose runner
 * stopped heart-beating. Pure: the server feeds it the heartbeats it read from Redis.
 */
import { allQueues, requiredGpus, type RunnerHeartbeat } from './jobs';
import { runConfigSchema } from './run-config';
import { BACKENDS, type BackendName, type RunKind, type RunStatus } from './types';

/** A queue as people name it: `grpo/swift` (BullMQ's name is `videocap-grpo-swift`). */
export function queueLabel(kind: string, backend: string): string {
  return `${kind}/${backend}`;
}

export interface QueueCoverage {
  /** `grpo/swift` */
  queue: string;
  kind: RunKind;
  backend: BackendName;
  /** Live runners consuming this queue. */
  runners: number;
  /** Most GPUs one of those runners has (a swift job needs train + rollout devices on one node). */
  maxGpus: number;
}

/** Every (kind, backend) queue with the live runners that consume it (a runner takes every kind of its backends). */
export function queueCoverage(heartbeats: readonly RunnerHeartbeat[]): QueueCoverage[] {
  return allQueues().map(({ kind, backend }) => {
    const serving = heartbeats.filter((h) => h.backends.includes(backend));
    return { queue: queueLabel(kind, backend), kind, backend, runners: serving.length, maxGpus: serving.reduce((m, h) => Math.max(m, h.gpus), 0) };
  });
}

/** The command that starts a runner for `backend` with `gpus` GPUs (README "Runners"). */
export function runnerCommand(backend: string, gpus = 0): string {
  return `RUNNER_BACKENDS=${backend}${gpus > 0 ? ` RUNNER_GPUS=${gpus}` : ''} npx videocap runner`;
}

export type RunAttention =
  | {
      /** Queued, and no live runner consumes its queue. */
      kind: 'no-runner';
      queue: string;
      message: string;
      command: string;
    }
  | {
      /** Queued; runners of its backend are connected but none has the GPUs it needs. */
      kind: 'too-few-gpus';
      queue: string;
      message: string;
      command: string;
      needed: number;
      largest: number;
    }
  | {
      /** Starting/running, and its runner stopped heart-beating. */
      kind: 'runner-lost';
      queue: string;
      runnerId: string;
      /** Last heartbeat of that runner (epoch ms), or null when unknown. */
      lostAt: number | null;
      message: string;
      /** Set when no live runner could resume it. */
      command: string | null;
    };

export interface AttentionRun {
  status: RunStatus | string;
  kind: string;
  backend: string;
  runnerId: string | null;
  config: unknown;
}

function timeOf(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * Why `run` is waiting, or null when nothing is wrong (or it is terminal, or imported).
 * `lastSeen` maps runner ids to their last heartbeat (epoch ms), kept after the heartbeat expires.
 */
export function runAttention(run: AttentionRun, heartbeats: readonly RunnerHeartbeat[], lastSeen: Readonly<Record<string, number>> = {}): RunAttention | null {
  if (!(BACKENDS as readonly string[]).includes(run.backend)) return null;
  const backend = run.backend as BackendName;
  const queue = queueLabel(run.kind, backend);
  const serving = heartbeats.filter((h) => h.backends.includes(backend));
  const cfg = runConfigSchema.safeParse(run.config);
  const needed = cfg.success ? requiredGpus(backend, cfg.data.swift) : 0;
  const command = runnerCommand(backend, needed);
  if (run.status === 'queued') {
    if (serving.length === 0) {
      return { kind: 'no-runner', queue, command, message: `${queue}: no runner connected — this run waits until one starts` };
    }
    const largest = serving.reduce((m, h) => Math.max(m, h.gpus), 0);
    if (needed > largest) {
      return {
        kind: 'too-few-gpus',
        queue,
        command,
        needed,
        largest,
        message: `${queue}: this run needs ${needed} GPUs on one runner; the connected ${backend} runners have at most ${largest}`,
      };
    }
    return null;
  }
  if ((run.status === 'starting' || run.status === 'running') && run.runnerId) {
    if (heartbeats.some((h) => h.id === run.runnerId)) return null;
    const lostAt = lastSeen[run.runnerId] ?? null;
    const when = lostAt !== null ? ` at ${timeOf(lostAt)}` : '';
    const resumable = serving.some((h) => h.gpus >= needed);
    return {
      kind: 'runner-lost',
      queue,
      runnerId: run.runnerId,
      lostAt,
      command: resumable ? null : command,
      message: resumable
        ? `runner lost, waiting to be resumed: ${run.runnerId} stopped heart-beating${when}; another ${backend} runner resumes it from the last checkpoint once the job's lock expires`
        : `runner lost, waiting to be resumed: ${run.runnerId} stopped heart-beating${when}, and no ${queue} runner is connected to resume it`,
    };
  }
  return null;
}
