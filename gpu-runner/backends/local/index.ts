/**
 * The `local` backend: GRPO and SFT on the CPU with a small log-linear policy over SIMULATED
 * perception (no video model; see ./perception.ts and ./policy.ts). It exists so the whole product —
 * launching, live curves, rollouts, checkpoints, resume, cancel — works without a GPU, and so the
 * method's training dynamics (Tscore / reward / length curves) can be studied cheaply.
 */
import type { Backend, JobContext, JobResult, ResumePoint } from '../../report';
import type { RewardService } from '../../rewards/types';
import type { ClipRecord } from '../../../core/types';
import { loadDream1k } from '../../datasets/dream1k';
import { generateLocalCaptions } from './captions';
import { scorerIdentity } from '../../rewards/service';
import { runGrpo, runSft, scoringOptions } from './trainer';

export { LocalRunCancelledError, SIMULATION_LABEL, RESPONSE_LENGTH_UNIT, scoringOptions } from './trainer';

/** A JobContext that may carry the resolved `initFromCheckpointId` (the runner fills `init`). */
export interface LocalJobContext extends JobContext {
  init?: ResumePoint | null;
}

export interface LocalBackendOptions {
  rewardService: RewardService;
  /**
   * Checkpoint to initialise the policy from (e.g. GRPO after SFT): a path, or a function resolving
   * it per job. Used when the job is not resuming; `ctx.init` (LocalJobContext) takes precedence.
   */
  init?: string | null | ((ctx: JobContext) => string | null | Promise<string | null>);
  /** Clips to use when ctx.dataset is empty (default: DREAM-1K with heuristic think annotations). */
  loadDataset?: () => Promise<ClipRecord[]>;
}

async function resolveInit(ctx: LocalJobContext, options: LocalBackendOptions): Promise<string | null> {
  if (ctx.init?.path) return ctx.init.path;
  if (typeof options.init === 'function') return (await options.init(ctx)) ?? null;
  if (typeof options.init === 'string') return options.init;
  if (ctx.config.initFromCheckpointId) {
    throw new Error(
      `local backend: config.initFromCheckpointId=${ctx.config.initFromCheckpointId} was not resolved to a checkpoint path (pass ctx.init or the backend's init option)`,
    );
  }
  return null;
}

export function createLocalBackend(options: LocalBackendOptions): Backend {
  const loadDataset = options.loadDataset ?? (async () => loadDream1k());
  return {
    name: 'local',
    scorer(config) {
      // GRPO scores every step and SFT every `evalEvery` steps, with the same options; always simulated rollouts.
      const scoring = scoringOptions(config);
      return scorerIdentity(options.rewardService.identity, {
        components: scoring.rewards.map((r) => r.name),
        simThreshold: scoring.simThreshold,
        escoreThresholds: scoring.escoreThresholds,
        simulation: true,
      });
    },
    async run(ctx: LocalJobContext): Promise<JobResult> {
      const deps = { rewardService: options.rewardService, initPath: ctx.resume ? null : await resolveInit(ctx, options), loadDataset };
      if (ctx.kind === 'grpo') return runGrpo(ctx, deps);
      if (ctx.kind === 'sft') return runSft(ctx, deps);
      throw new Error(`local backend: run kind "${ctx.kind}" is not supported (it trains "grpo" and "sft"; evaluation runs on the eval pipelines)`);
    },
    generateCaptions: generateLocalCaptions,
  };
}
