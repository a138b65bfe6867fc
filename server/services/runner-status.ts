/** Live runners as the server sees them (Redis heartbeats), and what that means for each run. */
import { REDIS_KEYS, type RunnerHeartbeat } from '../../core/jobs';
import { runAttention, type AttentionRun, type RunAttention } from '../../core/runner-status';
import { aliveRunners } from '../queue';
import { redis } from '../redis';

export interface RunnerState {
  heartbeats: RunnerHeartbeat[];
  /** runner id → last heartbeat (epoch ms). */
  lastSeen: Record<string, number>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms))]);
}

/** Heartbeats and last-seen times; null when Redis does not answer within `timeoutMs` (then nothing is claimed). */
export async function loadRunnerState(timeoutMs = 1500): Promise<RunnerState | null> {
  try {
    const [heartbeats, raw] = await withTimeout(Promise.all([aliveRunners(), redis().hgetall(REDIS_KEYS.runnerLastSeen)]), timeoutMs);
    const lastSeen: Record<string, number> = {};
    for (const [id, v] of Object.entries(raw)) if (Number.isFinite(Number(v))) lastSeen[id] = Number(v);
    return { heartbeats, lastSeen };
  } catch {
    return null;
  }
}

/** `attention` for each run (null when nothing is wrong or the runner state is unknown). */
export function attentionForRuns<T extends AttentionRun>(runs: readonly T[], state: RunnerState | null): (T & { attention: RunAttention | null })[] {
  return runs.map((r) => ({ ...r, attention: state ? runAttention(r, state.heartbeats, state.lastSeen) : null }));
}
