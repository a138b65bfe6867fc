'use client';

/** /runs/[id]/rollouts/[rolloutId]: think + answer beside the clip's reference, the score breakdown, the clip across steps. */
import Link from 'next/link';
import { api } from '../providers/trpc';
import { formatLength, useRunLabels } from '../runs/RunLabels';
import { Card } from '../ui/Card';
import { cn } from '../ui/cn';
import { RolloutDiff } from './RolloutDiff';
import { advantageSign, asThinkSubjects, formatFailure, formatScore, rewardComponentsOf, REWARD_LABELS } from './rollout-view';
import { RunScoringNotice } from './RunScoringNotice';
import { ScoreBreakdown } from './ScoreBreakdown';
import { ThinkTable } from './ThinkTable';

const SIGN = { positive: 'text-emerald-700 dark:text-emerald-400', negative: 'text-red-700 dark:text-red-400', zero: 'text-zinc-500' } as const;

export function RolloutDetailPage({ runId, rolloutId }: { runId: string; rolloutId: string }) {
  const r = api.rollout.get.useQuery({ id: rolloutId }, { retry: false });
  const { lengthUnit } = useRunLabels();
  const across = api.rollout.clipAcrossSteps.useQuery({ runId, clipId: r.data?.clipId ?? '-', limit: 200 }, { enabled: !!r.data });
  if (r.isLoading) return <p className="text-sm text-zinc-500">Loading rollout…</p>;
  if (r.error || !r.data) return <p className="text-sm text-red-600" data-testid="rollout-error">Could not load rollout {rolloutId}: {r.error?.message}</p>;
  const x = r.data;
  const clip = x.clip;
  const events = Array.isArray(clip?.events) ? (clip.events as unknown[]).filter((e): e is string => typeof e === 'string') : [];
  const sign = advantageSign(x.advantage);
  const failure = formatFailure(x);
  return (
    <section className="flex flex-col gap-4" data-testid="rollout-detail">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-xl font-semibold">
          Rollout {x.id} · step {x.step} · <span className="font-mono">{x.clipId}</span> · sample {x.sampleIndex}
        </h1>
        <Link href={`/runs/${runId}/rollouts`} className="text-sm underline">
          all rollouts
        </Link>
      </div>
      <RunScoringNotice />
      <div className="flex flex-wrap gap-4 text-sm" data-testid="rollout-scores">
        {rewardComponentsOf(x).map((c) => (
          <span key={c.name}>
            {REWARD_LABELS[c.name]} <b className="tabular-nums">{formatScore(c.value)}</b>
          </span>
        ))}
        <span>
          reward <b className="tabular-nums">{formatScore(x.reward)}</b>
        </span>
        <span className={cn('tabular-nums', SIGN[sign])}>
          advantage {x.advantage > 0 ? '+' : ''}
          {formatScore(x.advantage)}
        </span>
        <span>length {formatLength(x.length, lengthUnit)}</span>
        {failure && <span className="text-red-600">format failure: {failure}</span>}
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Completion">
          <ThinkTable subjects={asThinkSubjects(x.think)} caption="Predicted think" data-testid="pred-think" />
          <h4 className="mt-3 text-xs font-medium uppercase text-zinc-500">Answer</h4>
          <p className="whitespace-pre-wrap text-sm" data-testid="rollout-answer">
            {x.answer ?? '(no answer parsed)'}
          </p>
          <details className="mt-3 text-xs">
            <summary className="cursor-pointer text-zinc-500">Raw completion</summary>
            <pre className="mt-1 whitespace-pre-wrap break-words" data-testid="rollout-completion">
              {x.completion}
            </pre>
          </details>
        </Card>
        <Card title="Reference annotation">
          {clip ? (
            <>
              <ThinkTable subjects={asThinkSubjects(clip.think)} caption="Reference think" data-testid="ref-think" />
              <h4 className="mt-3 text-xs font-medium uppercase text-zinc-500">Reference caption</h4>
              <p className="whitespace-pre-wrap text-sm" data-testid="reference-caption">
                {clip.referenceCaption}
              </p>
              {events.length > 0 && (
                <>
                  <h4 className="mt-3 text-xs font-medium uppercase text-zinc-500">Events</h4>
                  <ul className="list-disc pl-5 text-sm" data-testid="reference-events">
                    {events.map((e, i) => (
                      <li key={i}>{e}</li>
                    ))}
                  </ul>
                </>
              )}
            </>
          ) : (
            <p className="text-sm text-zinc-500">Clip {x.clipId} is not in the database.</p>
          )}
        </Card>
      </div>
      <Card title="Scoring breakdown">
        <ScoreBreakdown breakdown={x.breakdown} predicted={asThinkSubjects(x.think)} reference={asThinkSubjects(clip?.think)} />
      </Card>
      <Card title="Same clip across steps">
        {across.isLoading ? (
          <p className="text-sm text-zinc-500">Loading…</p>
        ) : (
          <RolloutDiff clipId={x.clipId} rollouts={across.data ?? []} referenceCaption={clip?.referenceCaption ?? null} />
        )}
      </Card>
    </section>
  );
}
