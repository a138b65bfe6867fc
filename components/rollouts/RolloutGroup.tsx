'use client';

import { useMemo, useState, type ReactNode } from 'react';
import type { ThinkSubject } from '../../core/types';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { EmptyState } from '../ui/EmptyState';
import { cn } from '../ui/cn';
import {
  advantageSign,
  asThinkSubjects,
  formatFailure,
  formatScore,
  groupStats,
  REWARD_LABELS,
  rewardComponentsOf,
  type RolloutView,
} from './rollout-view';
import { formatLength, useRunLabels } from '../runs/RunLabels';
import { ScoreBreakdown } from './ScoreBreakdown';
import { ThinkTable } from './ThinkTable';

export interface RolloutGroupProps {
  /** The G completions of one prompt (clip) at one step — e.g. `rollout.group` rows as they come. */
  rollouts: readonly RolloutView[];
  /** Reference structured think of the clip, to name unmatched subjects in the score breakdown. */
  referenceThink?: readonly ThinkSubject[] | null;
  /** Reference caption of the clip, shown above the group. */
  referenceCaption?: string | null;
  /** Highlighted sample (e.g. from the URL). */
  selectedSampleIndex?: number | null;
  /** Called when a sample's card is chosen (e.g. to open it in a drawer). */
  onSelect?: (rollout: RolloutView) => void;
  title?: ReactNode;
  className?: string;
}

const SIGN_CLASSES = {
  positive: 'text-emerald-700 dark:text-emerald-400',
  negative: 'text-red-700 dark:text-red-400',
  zero: 'text-zinc-500 dark:text-zinc-400',
} as const;

/**
 * One GRPO group side by side: per completion its reward components, weighted total, group-
 * normalised advantage (green positive, red negative), length, and a flag for format failures.
 * The header shows the group's mean ± std and warns when all rewards are equal (zero advantage,
 * nothing learned from this prompt).
 */
export function RolloutGroup({
  rollouts,
  referenceThink,
  referenceCaption,
  selectedSampleIndex,
  onSelect,
  title,
  className,
}: RolloutGroupProps) {
  const [sortByReward, setSortByReward] = useState(false);
  const stats = useMemo(() => groupStats(rollouts), [rollouts]);
  const ordered = useMemo(
    () => [...rollouts].sort((a, b) => (sortByReward ? b.reward - a.reward || a.sampleIndex - b.sampleIndex : a.sampleIndex - b.sampleIndex)),
    [rollouts, sortByReward],
  );
  if (rollouts.length === 0) {
    return <EmptyState data-testid="rollout-group-empty" title="No completions in this group" className={className} />;
  }
  const first = rollouts[0];
  return (
    <section className={cn('flex flex-col gap-2', className)} data-testid="rollout-group" aria-label={`Group of clip ${first.clipId} at step ${first.step}`}>
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <h3 className="font-medium">{title ?? <>Step {first.step} · <span className="font-mono">{first.clipId}</span></>}</h3>
        <span className="text-zinc-500 dark:text-zinc-400">G = {stats.size}</span>
        <span className="tabular-nums text-zinc-500 dark:text-zinc-400">
          reward {formatScore(stats.meanReward)} ± {formatScore(stats.stdReward)}
        </span>
        {stats.zeroStd && (
          <Badge tone="warning" title="All rewards equal: every advantage is 0, this group contributes no gradient">
            zero reward std
          </Badge>
        )}
        {stats.formatFailures > 0 && (
          <Badge tone="danger">
            {stats.formatFailures} format failure{stats.formatFailures > 1 ? 's' : ''}
          </Badge>
        )}
        <Button size="sm" variant="ghost" className="ml-auto" aria-pressed={sortByReward} onClick={() => setSortByReward((v) => !v)} data-testid="rollout-sort">
          {sortByReward ? 'Sort by sample' : 'Sort by reward'}
        </Button>
      </header>
      {referenceCaption && (
        <p className="rounded-md bg-zinc-50 p-2 text-xs text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
          <span className="font-medium">Reference: </span>
          {referenceCaption}
        </p>
      )}
      {/* The G cards wrap onto rows (no hidden horizontal scroll): a group of the paper's G = 7 is seen at once. */}
      <ol className="grid grid-cols-[repeat(auto-fill,minmax(13rem,1fr))] gap-2 pb-2" aria-label="Completions" data-testid="rollout-cards">
        {ordered.map((r) => (
          <li key={r.id ?? r.sampleIndex} className="min-w-0">
            <RolloutCard
              rollout={r}
              referenceThink={referenceThink ?? null}
              selected={selectedSampleIndex === r.sampleIndex}
              onSelect={onSelect}
            />
          </li>
        ))}
      </ol>
    </section>
  );
}

function RolloutCard({
  rollout: r,
  referenceThink,
  selected,
  onSelect,
}: {
  rollout: RolloutView;
  referenceThink: readonly ThinkSubject[] | null;
  selected: boolean;
  onSelect?: (r: RolloutView) => void;
}) {
  const failure = formatFailure(r);
  const { lengthUnit } = useRunLabels();
  const sign = advantageSign(r.advantage);
  const think = asThinkSubjects(r.think);
  const components = rewardComponentsOf(r);
  return (
    <article
      data-testid="rollout-card"
      data-sample={r.sampleIndex}
      className={cn(
        'flex h-full flex-col gap-2 rounded-lg border bg-white p-2 text-xs dark:bg-zinc-900',
        selected ? 'border-blue-500 ring-1 ring-blue-500' : 'border-zinc-200 dark:border-zinc-800',
        failure && 'border-red-300 dark:border-red-800',
      )}
    >
      <header className="flex items-center gap-2">
        <span className="font-mono text-zinc-500">#{r.sampleIndex}</span>
        <span className="text-sm font-semibold tabular-nums" title="Weighted total reward">
          {formatScore(r.reward)}
        </span>
        <span className={cn('tabular-nums font-medium', SIGN_CLASSES[sign])} title="Group-normalised advantage" data-testid="rollout-advantage" data-sign={sign}>
          A {r.advantage > 0 ? '+' : ''}
          {formatScore(r.advantage)}
        </span>
        <span className="ml-auto text-zinc-500 tabular-nums" title={`Completion length${lengthUnit ? ` in ${lengthUnit}` : ''}`}>
          {formatLength(r.length, lengthUnit)}
        </span>
      </header>
      {failure && (
        <Badge tone="danger" wrap data-testid="format-failure" className="self-start">
          format ✗ {failure}
        </Badge>
      )}
      <dl className="grid grid-cols-2 gap-x-2 gap-y-0.5 tabular-nums">
        {components.map((c) => (
          <div key={c.name} className="flex justify-between gap-1">
            <dt className="text-zinc-500 dark:text-zinc-400">{REWARD_LABELS[c.name]}</dt>
            <dd>{formatScore(c.value)}</dd>
          </div>
        ))}
      </dl>
      <div>
        <p className="mb-0.5 text-zinc-500 dark:text-zinc-400">Answer</p>
        {r.answer !== null ? (
          <p className="whitespace-pre-wrap break-words">{r.answer}</p>
        ) : (
          <p className="italic text-zinc-400">no answer</p>
        )}
      </div>
      <details>
        <summary className="cursor-pointer text-zinc-500 dark:text-zinc-400">Think ({think ? `${think.length} subjects` : 'unparsed'})</summary>
        <ThinkTable subjects={think} className="mt-1" />
      </details>
      <details>
        <summary className="cursor-pointer text-zinc-500 dark:text-zinc-400">Why this score</summary>
        <ScoreBreakdown breakdown={r.breakdown} predicted={think} reference={referenceThink} className="mt-1" />
      </details>
      <details>
        <summary className="cursor-pointer text-zinc-500 dark:text-zinc-400">Raw completion</summary>
        <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-50 p-1.5 font-mono text-[11px] dark:bg-zinc-950">
          {r.completion}
        </pre>
      </details>
      {onSelect && (
        <Button size="sm" variant="secondary" className="mt-auto" onClick={() => onSelect(r)} data-testid="rollout-open">
          Open
        </Button>
      )}
    </article>
  );
}
