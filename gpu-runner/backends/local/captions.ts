/**
 * Captions of a local-backend checkpoint for evaluations. The local policy has no video model: its
 * captions are SIMULATED from each clip's own annotations (subjects, attributes, actions of the
 * structured-think annotation, derived heuristically when absent) plus distractors, sampled from the
 * checkpoint's policy and realised as template text. Every result built on them is labelled
 * `simulated` and is never ranked as a model.
 */
import { deriveStructuredThink } from '../../../core/heuristic-think';
import { splitCompletion } from '../../../core/think';
import type { ClipRecord } from '../../../core/types';
import type { CaptionRequest, GeneratedCaptions } from '../../report';
import { loadCheckpoint } from './checkpoint';
import { buildPerceptionPool } from './perception';
import { samplePolicy } from './policy';
import { renderCompletion } from './render';
import { Rng } from './rng';
import { SIMULATION_LABEL } from './trainer';

/** Temperature 0 means greedy; the policy's logits are divided by this instead (inclusion probabilities → 0 / 1). */
const GREEDY_TEMPERATURE = 1e-6;

export async function generateLocalCaptions(req: CaptionRequest): Promise<GeneratedCaptions> {
  const ck = await loadCheckpoint(req.checkpoint.path);
  const params = Float64Array.from(ck.params);
  const cfg = req.trained.config;
  // Derive annotations in slices, yielding to the event loop (job lock renewal, heartbeats, cancel).
  const clips: ClipRecord[] = [];
  for (const c of req.clips) {
    if (clips.length % 25 === 0) await new Promise((r) => setImmediate(r));
    if (c.think && c.think.length > 0) clips.push(c);
    else {
      const think = deriveStructuredThink(c.referenceCaption, c.events);
      clips.push({ ...c, think: think.length > 0 ? think : null });
    }
  }
  const captions = new Map<string, string>();
  const temperature = Math.max(req.temperature, GREEDY_TEMPERATURE);
  let withoutAnnotation = 0;
  for (const [i, clip] of clips.entries()) {
    if (req.signal.aborted) break;
    if (i % 25 === 0) await new Promise((r) => setImmediate(r));
    if (!clip.think) withoutAnnotation++;
    const pool = buildPerceptionPool(clip, clips, { seed: cfg.local.seed, distractors: cfg.local.distractors });
    const rng = Rng.derive(cfg.local.seed, 'eval-caption', clip.id);
    const sample = samplePolicy(params, pool, temperature, rng);
    const rendered = renderCompletion(sample.selection, cfg.thinkingMode, rng, 0);
    captions.set(clip.id, splitCompletion(rendered.completion).answer ?? rendered.completion);
  }
  await req.log([
    `SIMULATION: captions of ${captions.size} clips sampled from local checkpoint ${req.checkpoint.path} (step ${ck.step}) — ${SIMULATION_LABEL}; they are made from each clip's own annotations, so their scores are not a model's${withoutAnnotation ? `; ${withoutAnnotation} clips had no usable annotation and got filler-only captions` : ''}`,
  ]);
  return {
    captions,
    skipped: [],
    provenance: {
      method: 'local-policy',
      model: SIMULATION_LABEL,
      checkpoint: { runId: req.trained.runId, checkpointId: req.checkpoint.id, step: req.checkpoint.step, path: req.checkpoint.path },
      prompt: `local policy, thinking mode "${cfg.thinkingMode}" (template text, no prompt)`,
      frames: null,
      temperature: req.temperature,
      simulated: true,
      file: null,
      notes: 'simulated from the clip annotations by the CPU policy of the local backend; not a video model — never rank these numbers as a model',
    },
  };
}
