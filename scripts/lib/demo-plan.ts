/**
 * Which demo run `npm run demo` starts, so a newcomer always finds a run training live: one on
 * every start when nothing is queued or running (a finished run's curves do not grow), slow enough
 * (local.stepDelayMs) to be watched for a few minutes.
 */

export interface DemoRunSummary {
  name: string;
  status: string;
}

export interface DemoLaunch {
  name: string;
  config: { maxSteps: number; local: { stepDelayMs: number; seed: number } };
}

const ACTIVE = new Set(['queued', 'starting', 'running']);
export const DEMO_RUN_NAME = 'demo: VideoCap-R1 GRPO (local CPU simulation)';

/**
 * The demo run to launch given the runs the server has (newest first), or null when one is
 * already queued or running. `stepDelayMs` paces the local backend (default 500 ms: 300 steps ≈ 3–4 min).
 */
export function planDemoRun(runs: readonly DemoRunSummary[], stepDelayMs = 500): DemoLaunch | null {
  if (runs.some((r) => ACTIVE.has(r.status))) return null;
  const previous = runs.filter((r) => r.name.startsWith(DEMO_RUN_NAME)).length;
  return {
    name: previous === 0 ? DEMO_RUN_NAME : `${DEMO_RUN_NAME} #${previous + 1}`,
    // A new seed per demo run: a second run is a second sample, not a copy.
    config: { maxSteps: 300, local: { stepDelayMs, seed: previous } },
  };
}
