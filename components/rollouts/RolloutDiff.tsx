'use client';

import { useMemo, useState } from 'react';
import { Badge } from '../ui/Badge';
import { EmptyState } from '../ui/EmptyState';
import { cn } from '../ui/cn';
import { formatLength, useRunLabels } from '../runs/RunLabels';
import { diffWords, formatFailure, formatScore, REWARD_LABELS, rewardComponentsOf, type RolloutView } from './rollout-view';

export interface RolloutDiffProps {
  clipId: string;
  /** One completion of the clip per step (e.g. `rollout.clipAcrossSteps`), any order. */
  rollouts: readonly RolloutView[];
  /** Reference caption of the clip, shown first. */
  referenceCaption?: string | null;
  /** Compare the answers (default) or whole completions. */
  field?: 'answer' | 'completion';
  className?: string;
}

/**
 * The same clip across training steps: each step's caption with a word diff against the previous
 * step (added words green, removed ones struck through in red) and its rewards, so a researcher can
 * see what the policy learned to add or drop.
 */
export function RolloutDiff({ clipId, rollouts, referenceCaption, field = 'answer', className }: RolloutDiffProps) {
  const [showDiff, setShowDiff] = useState(true);
  const { lengthUnit } = useRunLabels();
  const steps = useMemo(() => [...rollouts].sort((a, b) => a.step - b.step || a.sampleIndex - b.sampleIndex), [rollouts]);
  const { texts, diffs } = useMemo(() => {
    const texts = steps.map((r) => (field === 'answer' ? (r.answer ?? '') : r.completion));
    return { texts, diffs: texts.map((t, i) => (i === 0 ? null : diffWords(texts[i - 1], t))) };
  }, [steps, field]);

  if (steps.length === 0) {
    return <EmptyState data-testid="rollout-diff-empty" title={`No completions of ${clipId} yet`} className={className} />;
  }
  return (
    <section className={cn('flex flex-col gap-2 text-sm', className)} data-testid="rollout-diff" aria-label={`Clip ${clipId} across steps`}>
      <header className="flex items-center gap-3">
        <h3 className="font-medium">
          <span className="font-mono">{clipId}</span> across {steps.length} steps
        </h3>
        <label className="ml-auto inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          <input type="checkbox" checked={showDiff} onChange={(e) => setShowDiff(e.target.checked)} data-testid="rollout-diff-toggle" />
          Show changes from the previous step
        </label>
      </header>
      {referenceCaption && (
        <p className="rounded-md bg-zinc-50 p-2 text-xs text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
          <span className="font-medium">Reference: </span>
          {referenceCaption}
        </p>
      )}
      <ol className="flex flex-col gap-2">
        {steps.map((r, i) => {
          const failure = formatFailure(r);
          const diff = diffs[i];
          return (
            <li key={r.id ?? `${r.step}-${r.sampleIndex}`} className="rounded-lg border border-zinc-200 p-2 dark:border-zinc-800" data-testid="rollout-diff-step">
              <div className="mb-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
                <span className="font-medium">step {r.step}</span>
                <span className="tabular-nums">reward {formatScore(r.reward)}</span>
                {rewardComponentsOf(r).map((c) => (
                  <span key={c.name} className="tabular-nums text-zinc-500 dark:text-zinc-400">
                    {REWARD_LABELS[c.name]} {formatScore(c.value)}
                  </span>
                ))}
                <span className="tabular-nums text-zinc-500 dark:text-zinc-400">{formatLength(r.length, lengthUnit)}</span>
                {failure && <Badge tone="danger" wrap>format ✗ {failure}</Badge>}
              </div>
              <p className={cn('whitespace-pre-wrap break-words', field === 'completion' && 'font-mono text-xs')}>
                {showDiff && diff
                  ? diff.map((op, k) => (
                      <span key={k}>
                        {k > 0 ? ' ' : ''}
                        {op.op === 'same' ? (
                          op.text
                        ) : op.op === 'added' ? (
                          <ins className="bg-emerald-100 text-emerald-900 no-underline dark:bg-emerald-900/40 dark:text-emerald-200">{op.text}</ins>
                        ) : (
                          <del className="bg-red-50 text-red-800 line-through dark:bg-red-900/30 dark:text-red-300">{op.text}</del>
                        )}
                      </span>
                    ))
                  : texts[i] || <span className="italic text-zinc-400">no {field}</span>}
              </p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
