import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../core/run-config';
import {
  batchLayout,
  buildGrpoCommand,
  buildInferCommand,
  buildRolloutCommand,
  buildSftCommand,
  formatInvocation,
} from './commands';

const cfg = (input: RunConfigInput = {}) => runConfigSchema.parse(input);

/** Values of a flag (everything up to the next --flag). */
function flag(args: string[], name: string): string[] | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const out: string[] = [];
  for (let j = i + 1; j < args.length && !args[j].startsWith('--'); j++) out.push(args[j]);
  return out;
}

const paths = { datasetPath: '/w/ds.jsonl', outputDir: '/w/out', pluginPath: '/repo/gpu-runner/plugins/videocap_reward.py' };

describe('buildGrpoCommand', () => {
  it("uses the paper's GRPO hyper-parameters and our plugin", () => {
    const { invocation, warnings } = buildGrpoCommand(cfg(), paths);
    const a = invocation.args;
    expect(invocation.command).toBe('swift');
    expect(a.slice(0, 3)).toEqual(['rlhf', '--rlhf_type', 'grpo']);
    expect(flag(a, 'model')).toEqual(['Qwen/Qwen2-VL-7B-Instruct']);
    expect(flag(a, 'num_generations')).toEqual(['7']);
    expect(flag(a, 'temperature')).toEqual(['1']);
    expect(flag(a, 'beta')).toEqual(['0.001']);
    expect(Number(flag(a, 'learning_rate')?.[0])).toBe(1e-6);
    expect(flag(a, 'lr_scheduler_type')).toEqual(['cosine']);
    expect(flag(a, 'warmup_ratio')).toEqual(['0.01']);
    expect(flag(a, 'weight_decay')).toEqual(['0.1']);
    expect(Number(flag(a, 'adam_epsilon')?.[0])).toBe(1e-8);
    expect(flag(a, 'log_completions')).toEqual(['true']);
    expect(flag(a, 'external_plugins')).toEqual([paths.pluginPath]);
    expect(flag(a, 'reward_funcs')).toEqual(['videocap_format', 'videocap_tscore', 'videocap_escore']);
    expect(flag(a, 'reward_weights')).toEqual(['1', '1', '1']);
    expect(flag(a, 'use_vllm')).toEqual(['true']);
    expect(flag(a, 'vllm_mode')).toEqual(['server']);
    expect(flag(a, 'vllm_server_host')).toEqual(['127.0.0.1']);
    expect(flag(a, 'vllm_server_port')).toEqual(['8000']);
    expect(flag(a, 'dataset')).toEqual([paths.datasetPath]);
    expect(flag(a, 'output_dir')).toEqual([paths.outputDir]);
    expect(flag(a, 'max_steps')).toEqual(['200']);
    expect(flag(a, 'deepspeed')).toEqual(['zero2']);
    expect(flag(a, 'tuner_type')).toEqual(['full']);
    // 56 completions per step = 7 GPUs × 8 = 8 prompts × G 7.
    expect(flag(a, 'per_device_train_batch_size')).toEqual(['8']);
    expect(flag(a, 'gradient_accumulation_steps')).toEqual(['1']);
    expect(flag(a, 'resume_from_checkpoint')).toBeUndefined();
    expect(invocation.env).toMatchObject({
      CUDA_VISIBLE_DEVICES: '0,1,2,3,4,5,6',
      NPROC_PER_NODE: '7',
      FPS_MAX_FRAMES: '32',
      VIDEO_MAX_PIXELS: '460800',
      MAX_PIXELS: '460800',
    });
    expect(warnings).toEqual([]);
  });

  it('follows config.rewards (Table 3 "Tscore + CNscore") and weights', () => {
    const { invocation } = buildGrpoCommand(
      cfg({ rewards: [{ name: 'format', weight: 1 }, { name: 'tscore', weight: 0.5 }, { name: 'cnscore', weight: 2 }] }),
      paths,
    );
    expect(flag(invocation.args, 'reward_funcs')).toEqual(['videocap_format', 'videocap_tscore', 'videocap_cnscore']);
    expect(flag(invocation.args, 'reward_weights')).toEqual(['1', '0.5', '2']);
  });

  it('resumes, omits --max_steps when 0 and appends extra args last', () => {
    const { invocation } = buildGrpoCommand(cfg({ maxSteps: 0, swift: { extraArgs: ['--seed', '7'] } }), {
      ...paths,
      resumeFrom: '/w/out/v0-20250101-000000/checkpoint-50',
    });
    expect(flag(invocation.args, 'resume_from_checkpoint')).toEqual(['/w/out/v0-20250101-000000/checkpoint-50']);
    expect(flag(invocation.args, 'max_steps')).toBeUndefined();
    expect(invocation.args.slice(-2)).toEqual(['--seed', '7']);
  });

  it('warns about combinations ms-swift would reject', () => {
    const { warnings } = buildGrpoCommand(
      cfg({ grpo: { numGenerations: 5, globalBatchSize: 56 }, swift: { trainDevices: '0,1,2,3,4,5,6,7', rolloutDevice: '7' } }),
      paths,
    );
    expect(warnings.join('\n')).toMatch(/also a training GPU/);
    expect(warnings.join('\n')).toMatch(/not divisible by num_generations 5/);
  });
});

describe('buildRolloutCommand', () => {
  it('starts the vLLM rollout server on the rollout GPU', () => {
    const { invocation } = buildRolloutCommand(cfg({ swift: { rolloutPort: 8123 } }));
    expect(invocation.args[0]).toBe('rollout');
    expect(flag(invocation.args, 'model')).toEqual(['Qwen/Qwen2-VL-7B-Instruct']);
    expect(flag(invocation.args, 'port')).toEqual(['8123']);
    expect(flag(invocation.args, 'host')).toEqual(['127.0.0.1']);
    expect(invocation.env.CUDA_VISIBLE_DEVICES).toBe('7');
    expect(invocation.env.FPS_MAX_FRAMES).toBe('32');
  });
});

describe('buildSftCommand', () => {
  it("uses the paper's SFT hyper-parameters on all 8 GPUs", () => {
    const { invocation } = buildSftCommand(cfg(), paths);
    const a = invocation.args;
    expect(a[0]).toBe('sft');
    expect(Number(flag(a, 'learning_rate')?.[0])).toBe(1e-6);
    expect(flag(a, 'warmup_ratio')).toEqual(['0.05']);
    expect(flag(a, 'weight_decay')).toEqual(['0.01']);
    expect(Number(flag(a, 'adam_epsilon')?.[0])).toBe(1e-6);
    expect(flag(a, 'per_device_train_batch_size')).toEqual(['8']);
    expect(flag(a, 'reward_funcs')).toBeUndefined();
    expect(invocation.env.CUDA_VISIBLE_DEVICES).toBe('0,1,2,3,4,5,6,7');
    expect(invocation.env.NPROC_PER_NODE).toBe('8');
  });
});

describe('buildInferCommand', () => {
  it('runs greedy vLLM inference into a result file', () => {
    const { invocation } = buildInferCommand(cfg(), { model: '/ckpt/checkpoint-200', datasetPath: '/w/eval.jsonl', resultPath: '/w/pred.jsonl' });
    expect(invocation.args[0]).toBe('infer');
    expect(flag(invocation.args, 'infer_backend')).toEqual(['vllm']);
    expect(flag(invocation.args, 'val_dataset')).toEqual(['/w/eval.jsonl']);
    expect(flag(invocation.args, 'result_path')).toEqual(['/w/pred.jsonl']);
    expect(flag(invocation.args, 'temperature')).toEqual(['0']);
  });
});

describe('batchLayout', () => {
  it('splits a global batch over GPUs', () => {
    expect(batchLayout(56, 7, null)).toMatchObject({ perDeviceTrainBatchSize: 8, gradientAccumulationSteps: 1, warnings: [] });
    expect(batchLayout(64, 8, 4)).toMatchObject({ perDeviceTrainBatchSize: 4, gradientAccumulationSteps: 2, effectiveGlobalBatchSize: 64 });
    expect(batchLayout(56, 5, null).warnings[0]).toMatch(/does not divide/);
  });
});

describe('formatInvocation', () => {
  it('quotes for a shell', () => {
    const { invocation } = buildRolloutCommand(cfg());
    expect(formatInvocation(invocation)).toContain(`--vllm_limit_mm_per_prompt '{"video": 1}'`);
  });
});
