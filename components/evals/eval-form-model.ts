/**
 * The evaluation launch form's starting values when cloning an eval run (`/evals/new?clone=<runId>`):
 * its stored config (core/eval/config.ts) → the form's fields. Pure; unit-tested.
 */
import { evalConfigSchema } from '../../core/eval/config';

export type EvalFormBenchmark = 'dream-1k' | 'vdc' | 'carebench';
export type EvalFormQaSet = 'detailed' | 'main_object';

export interface EvalFormInitial {
  name: string;
  benchmarks: EvalFormBenchmark[];
  qaSets: EvalFormQaSet[];
  judgeKind: 'lexical' | 'openai';
  baseUrl: string;
  judgeModel: string;
  temperature: string;
  sourceKind: 'checkpoint' | 'imported';
  runId: string;
  checkpointId: string;
  /** An uploaded predictions source the clone evaluates again (no new upload needed). */
  imported: { captionSourceId: string; model: string; fileName: string | null; format: string | null } | null;
  genPrompt: string;
  genFrames: string;
  genTemperature: string;
  concurrency: string;
  maxClips: string;
}

/**
 * The form's fields from an eval run's name and stored config (name + " (clone)"), or null when the
 * config is not a readable evaluation config.
 */
export function evalFormFromConfig(name: string, config: unknown): EvalFormInitial | null {
  const r = evalConfigSchema.safeParse(config);
  if (!r.success) return null;
  const c = r.data;
  const s = c.source;
  return {
    name: `${name} (clone)`,
    benchmarks: [...c.benchmarks],
    qaSets: [...c.vdcQaSets],
    judgeKind: c.judge.kind,
    baseUrl: c.judge.kind === 'openai' ? c.judge.baseUrl : '',
    judgeModel: c.judge.kind === 'openai' ? c.judge.model : 'Qwen/Qwen2.5-72B-Instruct',
    temperature: c.judge.kind === 'openai' ? String(c.judge.temperature) : '0',
    sourceKind: s.kind,
    runId: s.kind === 'checkpoint' ? s.runId : '',
    checkpointId: s.kind === 'checkpoint' ? s.checkpointId : '',
    imported: s.kind === 'imported' ? { captionSourceId: s.captionSourceId, model: s.model, fileName: s.fileName, format: s.format } : null,
    genPrompt: s.kind === 'imported' ? (s.generation.prompt ?? '') : '',
    genFrames: s.kind === 'imported' && s.generation.maxFrames !== null ? String(s.generation.maxFrames) : '',
    genTemperature: s.kind === 'imported' && s.generation.temperature !== null ? String(s.generation.temperature) : '',
    concurrency: String(c.concurrency),
    maxClips: String(c.maxClips),
  };
}
