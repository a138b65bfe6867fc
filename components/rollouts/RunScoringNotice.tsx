'use client';

/**
 * What the rollout views' scores are, from the run (RunLabels): the simulation notice of a local
 * GRPO / SFT run and the "≈ lexical" badge when Tscore / Escore and the entailment verdicts came from
 * the offline lexical embedder / judge — the same marks the run's charts carry. Renders nothing for a
 * run scored by real providers on a real model.
 */
import { LexicalBadge } from '../charts/ApproximationBadge';
import { useRunLabels } from '../runs/RunLabels';

export function RunScoringNotice() {
  const { simulation, lexicalEmbedder, lexicalJudge } = useRunLabels();
  if (!simulation && !lexicalEmbedder && !lexicalJudge) return null;
  const lexical = lexicalEmbedder && lexicalJudge ? 'Tscore, Escore and the entailment verdicts' : lexicalEmbedder ? 'Tscore' : 'Escore and the entailment verdicts';
  const provider = lexicalEmbedder && lexicalJudge ? 'lexical embedder / judge' : lexicalEmbedder ? 'lexical embedder' : 'lexical judge';
  return (
    <div className="flex flex-col gap-1 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-900/20 dark:text-amber-100" data-testid="rollouts-approximation">
      {simulation && (
        <p data-testid="rollouts-simulation-notice">
          <strong>Simulation, not video understanding.</strong> These completions come from the local backend&apos;s small CPU policy picking elements from a simulated perception pool
          (the clip&apos;s annotation plus distractors), not from a video model.
        </p>
      )}
      {(lexicalEmbedder || lexicalJudge) && (
        <p className="inline-flex flex-wrap items-center gap-2">
          <LexicalBadge testId="rollouts-approximate" />
          <span>
            {lexical} come from the offline {provider}: an approximation, not the paper&apos;s BGE-M3 / Qwen2.5-72B scores.
          </span>
        </p>
      )}
    </div>
  );
}
