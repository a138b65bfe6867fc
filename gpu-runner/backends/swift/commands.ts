/**
 * RunConfig → ms-swift command lines (pinned: ms-swift 4.5.2, see README.md). Pure: no I/O.
 *
 * Flag names verified in ms-swift v4.5.2:
 * - swift/arguments/rlhf_args.py (`rlhf_type`, `num_generations`, `reward_funcs`, `reward_weights`,
 *   `log_completions`, `beta`, `temperature`, `max_completion_length`),
 * - swift/rlhf_trainers/args_mixin.py (`use_vllm`, `vllm_mode`, `vllm_server_host`, `vllm_server_port`, `epsilon`),
 * - swift/arguments/base_args/base_args.py (`external_plugins`), swift/arguments/sft_args.py (`add_version`),
 * - swift/arguments/deploy_args.py (`swift rollout`: `host`, `port`),
 * - swift/model/models/qwen.py (`patch_qwen_vl_utils`: env FPS_MAX_FRAMES, VIDEO_MAX_PIXELS, MAX_PIXELS).
 */
import { parseDevices } from '../../../core/jobs';
import type { RunConfig } from '../../../core/run-config';
import type { RewardComponent } from '../../../core/types';

/** Names our plugin registers in ms-swift's `orms` (gpu-runner/plugins/videocap_reward.py). */
export const REWARD_FUNC_NAMES: Record<RewardComponent, string> = {
  format: 'videocap_format',
  tscore: 'videocap_tscore',
  escore: 'videocap_escore',
  cnscore: 'videocap_cnscore',
};

/** Class names, which ms-swift uses in `rewards/<Class>/mean` and as completions.jsonl columns. */
export const REWARD_FUNC_CLASS_NAMES: Record<RewardComponent, string> = {
  format: 'VideocapFormat',
  tscore: 'VideocapTscore',
  escore: 'VideocapEscore',
  cnscore: 'VideocapCnscore',
};

export interface SwiftInvocation {
  label: 'rollout' | 'rlhf' | 'sft' | 'infer';
  command: string;
  args: string[];
  /** Variables to add to the runner's environment. */
  env: Record<string, string>;
}

export interface BatchLayout {
  perDeviceTrainBatchSize: number;
  gradientAccumulationSteps: number;
  /** per device × devices × accumulation; equals the configured global batch when it divides evenly. */
  effectiveGlobalBatchSize: number;
}

export interface BuiltCommand {
  invocation: SwiftInvocation;
  /** Config combinations that ms-swift would reject or that differ from what was asked. */
  warnings: string[];
}

export { parseDevices };

/**
 * Splits a global batch over devices: per-device size = global / devices when that divides, otherwise
 * the largest accumulation ≤ 64 that makes it divide, otherwise the nearest per-device size (with a warning).
 */
export function batchLayout(globalBatchSize: number, devices: number, perDevice: number | null): BatchLayout & { warnings: string[] } {
  const warnings: string[] = [];
  const n = Math.max(1, devices);
  if (perDevice !== null) {
    const accum = Math.max(1, Math.round(globalBatchSize / (perDevice * n)));
    const effective = perDevice * n * accum;
    if (effective !== globalBatchSize) {
      warnings.push(`global batch ${globalBatchSize} is not reachable with ${perDevice} per device on ${n} GPUs; using ${effective}`);
    }
    return { perDeviceTrainBatchSize: perDevice, gradientAccumulationSteps: accum, effectiveGlobalBatchSize: effective, warnings };
  }
  if (globalBatchSize % n === 0) {
    return { perDeviceTrainBatchSize: globalBatchSize / n, gradientAccumulationSteps: 1, effectiveGlobalBatchSize: globalBatchSize, warnings };
  }
  const per = Math.max(1, Math.round(globalBatchSize / n));
  warnings.push(`global batch ${globalBatchSize} does not divide over ${n} GPUs; using ${per} per device (${per * n} in total)`);
  return { perDeviceTrainBatchSize: per, gradientAccumulationSteps: 1, effectiveGlobalBatchSize: per * n, warnings };
}

/** Frame sampling and resolution of the paper (§4.1: ≤ 32 frames, ≤ 460,800 pixels per frame) for Qwen2-VL. */
export function videoEnv(config: RunConfig): Record<string, string> {
  return {
    FPS_MAX_FRAMES: String(config.frames.maxFrames),
    VIDEO_MAX_PIXELS: String(config.frames.maxPixels),
    MAX_PIXELS: String(config.frames.maxPixels),
  };
}

function num(x: number): string {
  return String(x);
}

/** `swift rollout`: the vLLM server on the rollout GPU (GET /health/ answers {"status":"ok"} once it serves). */
export function buildRolloutCommand(config: RunConfig, opts: { executable?: string } = {}): BuiltCommand {
  const s = config.swift;
  const args = [
    'rollout',
    '--model', config.baseModel,
    '--host', s.rolloutHost,
    '--port', num(s.rolloutPort),
    '--vllm_max_model_len', num(16_384),
    '--vllm_limit_mm_per_prompt', '{"video": 1}',
  ];
  return {
    invocation: {
      label: 'rollout',
      command: opts.executable ?? s.executable,
      args,
      env: { CUDA_VISIBLE_DEVICES: s.rolloutDevice, ...videoEnv(config) },
    },
    warnings: [],
  };
}

export interface TrainPaths {
  datasetPath: string;
  /** Passed as `--output_dir`; ms-swift adds a `v<N>-<YYYYMMDD-HHMMSS>` subfolder (add_version). */
  outputDir: string;
  /** Checkpoint folder to resume from (`--resume_from_checkpoint`). */
  resumeFrom?: string | null;
  executable?: string;
}

function commonTrainArgs(config: RunConfig, paths: TrainPaths): string[] {
  const s = config.swift;
  const args = [
    '--model', config.baseModel,
    '--tuner_type', s.tunerType,
    '--torch_dtype', s.torchDtype,
    '--dataset', paths.datasetPath,
    '--split_dataset_ratio', '0',
    '--output_dir', paths.outputDir,
    '--logging_steps', num(s.loggingSteps),
    '--save_strategy', 'steps',
    '--save_steps', num(s.saveSteps),
  ];
  if (config.maxSteps > 0) args.push('--max_steps', num(config.maxSteps));
  if (s.deepspeed) args.push('--deepspeed', s.deepspeed);
  if (paths.resumeFrom) args.push('--resume_from_checkpoint', paths.resumeFrom);
  return args;
}

/** `swift rlhf --rlhf_type grpo` against the rollout server, with the paper's Appendix B hyper-parameters. */
export function buildGrpoCommand(config: RunConfig, paths: TrainPaths & { pluginPath: string }): BuiltCommand {
  const s = config.swift;
  const g = config.grpo;
  const warnings: string[] = [];
  const devices = parseDevices(s.trainDevices);
  if (devices.length === 0) warnings.push('swift.trainDevices is empty');
  if (devices.includes(s.rolloutDevice.trim())) {
    warnings.push(`rollout GPU ${s.rolloutDevice} is also a training GPU; vLLM and training will compete for its memory`);
  }
  const layout = batchLayout(g.globalBatchSize, devices.length, s.perDeviceTrainBatchSize);
  warnings.push(...layout.warnings);
  const generationBatch = layout.perDeviceTrainBatchSize * Math.max(1, devices.length) * layout.gradientAccumulationSteps;
  if (generationBatch % g.numGenerations !== 0) {
    warnings.push(
      `generation batch ${generationBatch} is not divisible by num_generations ${g.numGenerations}; ms-swift will refuse to start`,
    );
  }
  const rewards = config.rewards;
  if (rewards.length === 0) warnings.push('no reward function is configured; ms-swift refuses GRPO without reward_funcs');
  if (rewards.length > 0 && rewards.every((r) => r.weight === 0)) warnings.push('every reward weight is 0');
  const args = [
    'rlhf',
    '--rlhf_type', 'grpo',
    ...commonTrainArgs(config, paths),
    '--external_plugins', paths.pluginPath,
    '--reward_funcs', ...rewards.map((r) => REWARD_FUNC_NAMES[r.name]),
    '--reward_weights', ...rewards.map((r) => num(r.weight)),
    '--use_vllm', 'true',
    '--vllm_mode', 'server',
    '--vllm_server_host', s.rolloutHost,
    '--vllm_server_port', num(s.rolloutPort),
    '--num_generations', num(g.numGenerations),
    '--temperature', num(g.temperature),
    '--beta', num(g.beta),
    '--epsilon', num(g.epsilon),
    '--max_completion_length', num(s.maxCompletionLength),
    '--learning_rate', num(g.learningRate),
    '--lr_scheduler_type', g.lrScheduler,
    '--warmup_ratio', num(g.warmupRatio),
    '--weight_decay', num(g.weightDecay),
    '--adam_beta1', num(g.adamBeta1),
    '--adam_beta2', num(g.adamBeta2),
    '--adam_epsilon', num(g.adamEps),
    '--num_train_epochs', num(g.epochs),
    '--per_device_train_batch_size', num(layout.perDeviceTrainBatchSize),
    '--gradient_accumulation_steps', num(layout.gradientAccumulationSteps),
    '--log_completions', 'true',
    ...s.extraArgs,
  ];
  return {
    invocation: {
      label: 'rlhf',
      command: paths.executable ?? s.executable,
      args,
      env: {
        CUDA_VISIBLE_DEVICES: devices.join(','),
        NPROC_PER_NODE: num(Math.max(1, devices.length)),
        ...videoEnv(config),
      },
    },
    warnings,
  };
}

/** All GPUs of the node: the paper's SFT trains on all 8 (training GPUs plus the rollout GPU). */
export function sftDevices(config: RunConfig): string[] {
  const all = [...parseDevices(config.swift.trainDevices), ...parseDevices(config.swift.rolloutDevice)];
  return [...new Set(all)];
}

/** `swift sft` with the paper's SFT column of Table 5. */
export function buildSftCommand(config: RunConfig, paths: TrainPaths): BuiltCommand {
  const s = config.swift;
  const h = config.sft;
  const devices = sftDevices(config);
  const layout = batchLayout(h.globalBatchSize, devices.length, s.perDeviceTrainBatchSize);
  const args = [
    'sft',
    ...commonTrainArgs(config, paths),
    '--learning_rate', num(h.learningRate),
    '--lr_scheduler_type', h.lrScheduler,
    '--warmup_ratio', num(h.warmupRatio),
    '--weight_decay', num(h.weightDecay),
    '--adam_beta1', num(config.grpo.adamBeta1),
    '--adam_beta2', num(config.grpo.adamBeta2),
    '--adam_epsilon', num(h.adamEps),
    '--num_train_epochs', num(h.epochs),
    '--per_device_train_batch_size', num(layout.perDeviceTrainBatchSize),
    '--gradient_accumulation_steps', num(layout.gradientAccumulationSteps),
    ...s.extraArgs,
  ];
  return {
    invocation: {
      label: 'sft',
      command: paths.executable ?? s.executable,
      args,
      env: { CUDA_VISIBLE_DEVICES: devices.join(','), NPROC_PER_NODE: num(Math.max(1, devices.length)), ...videoEnv(config) },
    },
    warnings: layout.warnings,
  };
}

export interface InferPaths {
  /** Base model id or a checkpoint folder (full fine-tuning checkpoints load with `--model`). */
  model: string;
  /** JSONL in the dataset layout (user turn only). */
  datasetPath: string;
  /** Where ms-swift writes one JSON line per sample (`response` holds the completion). */
  resultPath: string;
  maxNewTokens?: number;
  /** Sampling temperature (default 0: greedy). */
  temperature?: number;
  executable?: string;
}

/** `swift infer` with vLLM, greedy decoding by default (evaluations: gpu-runner/backends/swift/captions.ts). */
export function buildInferCommand(config: RunConfig, paths: InferPaths): BuiltCommand {
  const s = config.swift;
  const args = [
    'infer',
    '--model', paths.model,
    '--infer_backend', 'vllm',
    '--val_dataset', paths.datasetPath,
    '--result_path', paths.resultPath,
    '--temperature', num(paths.temperature ?? 0),
    '--max_new_tokens', num(paths.maxNewTokens ?? s.maxCompletionLength),
    '--vllm_max_model_len', num(16_384),
    '--vllm_limit_mm_per_prompt', '{"video": 1}',
  ];
  return {
    invocation: { label: 'infer', command: paths.executable ?? s.executable, args, env: { CUDA_VISIBLE_DEVICES: s.rolloutDevice, ...videoEnv(config) } },
    warnings: [],
  };
}

/** Shell-quoted form for logs (never contains the reward token: that travels in the environment). */
export function formatInvocation(inv: SwiftInvocation): string {
  const q = (x: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(x) ? x : `'${x.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(inv.env).map(([k, v]) => `${k}=${q(v)}`);
  return [...env, q(inv.command), ...inv.args.map(q)].join(' ');
}
