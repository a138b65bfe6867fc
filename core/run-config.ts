/**
 * Run configuration: one validated shape for every run kind and backend.
 * Defaults are the paper's (Appendix B, Table 5; data/reference/videocap-r1-paper.json).
 * Ablations of Tables 2–4 are configurations of this object, not code.
 *
 * Every object is strict: an unknown key (`maxStep`, `grpo.numGeneration`) is an error, never a
 * silently ignored field that launches the defaults instead (core/config-validation.ts turns it
 * into `config.maxStep: unknown key — did you mean maxSteps?`).
 */
import { z } from 'zod';
import { PAPER_HYPERPARAMETERS as HP } from './paper';

/**
 * The paper's base model (Appendix B: Qwen2-VL-7B-Instruct) as its hub id. ms-swift resolves a bare
 * "Qwen2-VL-7B-Instruct" as a local folder and fails; "Qwen/…" downloads (or finds in the cache) the
 * model from ModelScope / Hugging Face.
 */
export const DEFAULT_BASE_MODEL = `Qwen/${HP.base_model}`;

export const rewardWeightSchema = z.strictObject({
  name: z.enum(['format', 'tscore', 'escore', 'cnscore']),
  weight: z.number().finite().min(0, 'weight must be ≥ 0').max(100),
});

export const grpoConfigSchema = z.strictObject({
  numGenerations: z.number().int().min(2, 'GRPO needs at least 2 generations per group').max(64).default(HP.grpo.num_generations),
  temperature: z.number().gt(0).max(5).default(HP.grpo.temperature),
  beta: z.number().min(0).max(10).default(HP.grpo.beta_kl),
  learningRate: z.number().gt(0).max(1).default(HP.grpo.learning_rate),
  lrScheduler: z.enum(['cosine', 'linear', 'constant']).default('cosine'),
  warmupRatio: z.number().min(0).max(1).default(HP.grpo.warmup_ratio),
  weightDecay: z.number().min(0).max(1).default(HP.grpo.weight_decay),
  globalBatchSize: z.number().int().min(1).max(4096).default(HP.grpo.global_batch_size),
  adamBeta1: z.number().min(0).lt(1).default(HP.grpo.adam_beta1),
  adamBeta2: z.number().min(0).lt(1).default(HP.grpo.adam_beta2),
  adamEps: z.number().gt(0).max(1).default(HP.grpo.adam_eps),
  epochs: z.number().int().min(1).max(100).default(HP.grpo.epochs),
  /** PPO/GRPO clip range ε of the importance ratio (TRL's `epsilon`). */
  epsilon: z.number().gt(0).max(1).default(0.2),
});

export const sftConfigSchema = z.strictObject({
  learningRate: z.number().gt(0).max(1).default(HP.sft.learning_rate),
  lrScheduler: z.enum(['cosine', 'linear', 'constant']).default('cosine'),
  warmupRatio: z.number().min(0).max(1).default(HP.sft.warmup_ratio),
  weightDecay: z.number().min(0).max(1).default(HP.sft.weight_decay),
  globalBatchSize: z.number().int().min(1).max(4096).default(HP.sft.global_batch_size),
  adamEps: z.number().gt(0).max(1).default(HP.sft.adam_eps),
  epochs: z.number().int().min(1).max(100).default(HP.sft.epochs),
  /** Train the answer only, or the structured think followed by the answer (Table 2 row 3). */
  withStructuredThinking: z.boolean().default(false),
});

/** Settings of the CPU `local` backend (a simulation of the method's dynamics, not a video model). */
export const localBackendSchema = z.strictObject({
  /** Learning rate of the small policy; the paper's 1e-6 is for a 7B model and would not move it. */
  learningRate: z.number().gt(0).max(10).default(0.05),
  /** Clips per step (GRPO prompts per batch); G samples are drawn for each. */
  clipsPerStep: z.number().int().min(1).max(512).default(8),
  /** How many clips of the dataset to train on (0 = all). */
  maxClips: z.number().int().min(0).default(0),
  seed: z.number().int().default(0),
  checkpointEvery: z.number().int().min(1).default(20),
  /** Distractor candidates per clip, standing for hallucinations. */
  distractors: z.number().int().min(0).max(64).default(6),
  /** Milliseconds to sleep per step so a demo run can be watched live (0 = as fast as possible). */
  stepDelayMs: z.number().int().min(0).max(60_000).default(0),
  /** Optimizer updates per batch of rollouts (TRL's `num_iterations` μ); ≥ 2 makes the ratio clipping bite. */
  innerIterations: z.number().int().min(1).max(16).default(2),
  /** Gradient-norm clipping (HF Trainer's `max_grad_norm`; 0 = off). */
  maxGradNorm: z.number().min(0).max(1e6).default(1),
  /** SFT: sample and score completions every this many steps (think_score / reward comparable with GRPO). */
  evalEvery: z.number().int().min(1).default(10),
  /** Truncate completions after this many words, like max_completion_length (0 = no limit). */
  maxCompletionWords: z.number().int().min(0).max(100_000).default(0),
  /**
   * The perception-free control: the simulated "visual evidence" no longer separates a clip's true
   * elements from distractors. Its curves still rise (listing more elements, fixing the format), which
   * is how much of a normal local run's rise is not perception.
   */
  perceptionFree: z.boolean().default(false),
});

export const swiftBackendSchema = z.strictObject({
  /** Executable to call (`swift` on PATH by default; tests use a stand-in). */
  executable: z.string().min(1).default('swift'),
  /** Visible GPUs for training, e.g. "0,1,2,3,4,5,6"; the rollout server gets `rolloutDevice`. */
  trainDevices: z.string().default('0,1,2,3,4,5,6'),
  rolloutDevice: z.string().default('7'),
  rolloutPort: z.number().int().min(1).max(65535).default(8000),
  deepspeed: z.string().default('zero2'),
  extraArgs: z.array(z.string()).default([]),
  /** `--tuner_type` (ms-swift 4.x; 3.x called it `--train_type`). The paper trains the full model. */
  tunerType: z.enum(['full', 'lora']).default('full'),
  torchDtype: z.enum(['bfloat16', 'float16', 'float32']).default('bfloat16'),
  /** Completions (not prompts) per device per step; null = global batch size / number of training GPUs. */
  perDeviceTrainBatchSize: z.number().int().min(1).max(4096).nullable().default(null),
  /** `--max_completion_length`: room for the structured think plus the caption. */
  maxCompletionLength: z.number().int().min(16).max(65_536).default(1024),
  saveSteps: z.number().int().min(1).default(50),
  loggingSteps: z.number().int().min(1).default(1),
  /** Host the rollout server binds to and the trainer connects to. */
  rolloutHost: z.string().min(1).default('127.0.0.1'),
  /** How long to wait for the rollout server's /health/ (loading a 7B model into vLLM takes minutes). */
  rolloutHealthTimeoutSec: z.number().min(1).max(86_400).default(900),
  /** Grace period between SIGTERM and SIGKILL when a run is cancelled. */
  killGraceSec: z.number().min(0).max(600).default(20),
  /** Timeout of one reward request from the plugin to the runner (the judge LLM may be slow). */
  rewardTimeoutSec: z.number().min(1).max(3600).default(600),
});

export const runConfigSchema = z.strictObject({
  baseModel: z.string().min(1, 'base model is required').default(DEFAULT_BASE_MODEL),
  dataset: z.string().min(1, 'dataset is required').default('dream-1k'),
  /** Number of optimisation steps (0 = derived from epochs and dataset size). */
  maxSteps: z.number().int().min(0).max(10_000_000).default(200),
  thinkingMode: z.enum(['structured', 'free-form', 'guided-free-form', 'none']).default('structured'),
  rewards: z
    .array(rewardWeightSchema)
    .default([
      { name: 'format', weight: 1 },
      { name: 'tscore', weight: 1 },
      { name: 'escore', weight: 1 },
    ])
    .refine((r) => new Set(r.map((x) => x.name)).size === r.length, 'each reward component may appear once'),
  simThreshold: z.number().min(0).max(1).default(0.5),
  /**
   * The chat template prefills `<think>` (TRL / ms-swift with Qwen3- or R1-style templates), so a
   * completion starts inside the think: format reward 1 without the opening tag when the rest is
   * right (core/format.ts). Default false: the paper's rule.
   */
  prefilledThink: z.boolean().default(false),
  escoreThresholds: z
    .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .default([HP.grpo.escore_thresholds[0], HP.grpo.escore_thresholds[1]])
    .refine(([a, b]) => a <= b, 'δ1 must be ≤ δ2'),
  frames: z
    .strictObject({
      maxFrames: z.number().int().min(1).max(1024).default(HP.frames.max_frames),
      maxPixels: z.number().int().min(1).default(HP.frames.max_pixels_per_frame),
    })
    .default({ maxFrames: HP.frames.max_frames, maxPixels: HP.frames.max_pixels_per_frame }),
  grpo: grpoConfigSchema.default(grpoConfigSchema.parse({})),
  sft: sftConfigSchema.default(sftConfigSchema.parse({})),
  local: localBackendSchema.default(localBackendSchema.parse({})),
  swift: swiftBackendSchema.default(swiftBackendSchema.parse({})),
  /** Start from this checkpoint (e.g. GRPO after SFT). */
  initFromCheckpointId: z.string().nullable().default(null),
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export function defaultRunConfig(): RunConfig {
  return runConfigSchema.parse({});
}

/**
 * A zod issue as "field.path: reason", the form every error message uses; an unknown key is
 * named on its own path with a suggestion (core/config-validation.ts).
 */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((i) => {
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => `${[...i.path, k].join('.')}: unknown key`);
    }
    return [`${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`];
  });
}
