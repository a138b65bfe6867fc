/**
 * The job wire format between server and runners (BullMQ on Redis). Pure: names and schemas only.
 * One queue per (kind, backend) so a runner consumes exactly the jobs it can run.
 */
import { z } from 'zod';
import { BACKENDS, RUN_KINDS, type BackendName, type RunKind } from './types';

/** Run kinds that are executed by runners (curate and analyze runs go to the `local` queue: they need no GPU). */
export const QUEUED_KINDS = ['grpo', 'sft', 'eval', 'curate', 'analyze'] as const satisfies readonly RunKind[];

export function queueName(kind: RunKind, backend: BackendName): string {
  return `videocap-${kind}-${backend}`;
}

/** The backends whose queue a kind of run can go to: curation runs on the runner's CPU only (the `local` queue). */
export function backendsForKind(kind: (typeof QUEUED_KINDS)[number]): readonly BackendName[] {
  return kind === 'curate' || kind === 'analyze' ? ['local'] : BACKENDS;
}

/** Every queue a run can be put on: (kind, backend) pairs of `backendsForKind`. */
export function allQueues(): { kind: (typeof QUEUED_KINDS)[number]; backend: BackendName }[] {
  return QUEUED_KINDS.flatMap((kind) => backendsForKind(kind).map((backend) => ({ kind, backend })));
}

export function allQueueNames(): string[] {
  return allQueues().map((q) => queueName(q.kind, q.backend));
}

/** A job carries the run id only; the runner loads the validated config from the server. */
export const jobPayloadSchema = z.object({
  runId: z.string().min(1),
});
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/** Redis keys shared by server and runners. */
export const REDIS_KEYS = {
  runnerHeartbeat: (runnerId: string) => `videocap:runner:${runnerId}`,
  runnerHeartbeatPattern: 'videocap:runner:*',
  /** Hash runner id → epoch ms of its last heartbeat; outlives the heartbeat key so "runner lost at …" can say when. */
  runnerLastSeen: 'videocap:runners-last-seen',
  cancelRequested: (runId: string) => `videocap:cancel:${runId}`,
  cancelChannel: 'videocap:cancel',
} as const;

export const runnerHeartbeatSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  backends: z.array(z.enum(BACKENDS)),
  gpus: z.number().int().min(0),
  slots: z.number().int().min(1),
  freeSlots: z.number().int().min(0),
  activeRunIds: z.array(z.string()),
  startedAt: z.number(),
  at: z.number(),
});
export type RunnerHeartbeat = z.infer<typeof runnerHeartbeatSchema>;

/** The state machine: which transitions are allowed (ARCHITECTURE.md "A job's state machine"). */
const ALLOWED: Record<string, string[]> = {
  queued: ['starting', 'cancelled', 'failed'],
  starting: ['running', 'failed', 'cancelled', 'queued', 'starting'],
  running: ['succeeded', 'failed', 'cancelled', 'starting', 'queued'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: string, to: string): boolean {
  return (ALLOWED[from] ?? []).includes(to);
}

export function isTerminal(status: string): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export function isBackend(v: string): v is BackendName {
  return (BACKENDS as readonly string[]).includes(v);
}
export { RUN_KINDS };

/** "0,1, 2" → ["0","1","2"] (CUDA_VISIBLE_DEVICES style lists). */
export function parseDevices(devices: string): string[] {
  return devices
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d.length > 0);
}

/**
 * GPUs a job needs on one node: none on the local backend; for swift, the training devices plus the
 * rollout device (the paper: 7 + 1).
 */
export function requiredGpus(backend: BackendName, swift: { trainDevices: string; rolloutDevice: string }): number {
  if (backend === 'local') return 0;
  return new Set([...parseDevices(swift.trainDevices), ...parseDevices(swift.rolloutDevice)]).size;
}
