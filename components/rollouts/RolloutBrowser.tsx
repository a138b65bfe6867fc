'use client';

/**
 * /runs/[id]/rollouts: (step, clip) groups with a step filter, the selected group's G completions
 * side by side (RolloutGroup), and a filtered rollout list with keyset "Load more". Every filter
 * and the selected group live in the URL (rollout-filters.ts), so a view can be reloaded and shared.
 */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { escoreLabel } from '../../core/metric-labels';
import { api } from '../providers/trpc';
import { useRunLabels } from '../runs/RunLabels';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { cn } from '../ui/cn';
import { RolloutGroup } from './RolloutGroup';
import { RunScoringNotice } from './RunScoringNotice';
import { parseRolloutFilters, rolloutQuery, serializeRolloutFilters, type RolloutFilterState } from './rollout-filters';
import { advantageSign, asThinkSubjects, formatScore } from './rollout-view';

const SIGN = { positive: 'text-emerald-700 dark:text-emerald-400', negative: 'text-red-700 dark:text-red-400', zero: 'text-zinc-500' } as const;

/**
 * The filter state, initialised from the URL and written back to it on every change
 * (history.replaceState: instant while typing, no navigation, no scroll).
 */
function useUrlFilters(): [RolloutFilterState, (patch: Partial<RolloutFilterState>) => void] {
  const params = useSearchParams();
  const [filters, setFilters] = useState<RolloutFilterState>(() => parseRolloutFilters(params));
  const update = (patch: Partial<RolloutFilterState>) => {
    setFilters((prev) => {
      const next = { ...prev, ...patch };
      const qs = serializeRolloutFilters(next, window.location.search);
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${qs ? `?${qs}` : ''}`);
      return next;
    });
  };
  return [filters, update];
}

export function RolloutBrowser({ runId }: { runId: string }) {
  const router = useRouter();
  const run = api.run.get.useQuery({ id: runId }, { retry: false });
  const [filters, setFilters] = useUrlFilters();
  const { errors } = rolloutQuery(filters);
  const groupStep = filters.groupStep;
  const groupStepValue = errors.groupStep || groupStep.trim() === '' ? undefined : Number(groupStep);
  const groups = api.rollout.groups.useQuery({ runId, step: groupStepValue, limit: 200 }, { refetchInterval: 5_000, enabled: !errors.groupStep });
  const selected = filters.group;
  const setSelected = (group: { step: number; clipId: string; groupIndex: number }) => setFilters({ group });
  const group = api.rollout.group.useQuery(selected ? { runId, ...selected } : { runId, step: 0, clipId: '-' }, { enabled: !!selected });
  const clip = api.system.clip.useQuery({ id: selected?.clipId ?? '-' }, { enabled: !!selected });

  return (
    <section className="flex flex-col gap-4" data-testid="rollout-browser">
      <div className="flex items-baseline gap-3">
        <h1 className="text-xl font-semibold">Rollouts</h1>
        <Link href={`/runs/${runId}`} className="text-sm underline" data-testid="back-to-run">
          {run.data?.name ?? runId}
        </Link>
        <span className="text-sm text-zinc-500">{run.data ? `${run.data.rolloutCount} rollouts` : ''}</span>
      </div>
      <RunScoringNotice />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[20rem_1fr]">
        <Card
          title="Groups (step, clip)"
          actions={
            <input
              aria-label="Filter groups by step"
              placeholder="step"
              data-testid="group-step-filter"
              value={groupStep}
              aria-invalid={!!errors.groupStep || undefined}
              title={errors.groupStep}
              onChange={(e) => setFilters({ groupStep: e.target.value })}
              className={cn(
                'w-20 rounded border bg-white px-1 py-0.5 text-xs dark:bg-zinc-900',
                errors.groupStep ? 'border-red-400 dark:border-red-700' : 'border-zinc-300 dark:border-zinc-700',
              )}
            />
          }
          flush
        >
          <ul className="max-h-[32rem] overflow-auto text-xs" data-testid="group-list">
            {groups.isLoading && <li className="p-2 text-zinc-500">Loading…</li>}
            {errors.groupStep && (
              <li className="p-2 text-red-700 dark:text-red-400" data-testid="group-step-error">
                {errors.groupStep}
              </li>
            )}
            {!errors.groupStep && groups.data?.length === 0 && <li className="p-2 text-zinc-500">No rollouts{groupStep ? ` at step ${groupStep}` : ''}.</li>}
            {groups.data?.map((g) => {
              const active = selected?.step === g.step && selected.clipId === g.clipId && selected.groupIndex === g.groupIndex;
              return (
                <li key={`${g.step}:${g.groupIndex}:${g.clipId}`}>
                  <button
                    type="button"
                    data-testid="group-item"
                    aria-pressed={active}
                    onClick={() => setSelected({ step: g.step, clipId: g.clipId, groupIndex: g.groupIndex })}
                    className={cn('flex w-full items-center gap-2 border-b border-zinc-100 px-2 py-1 text-left hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800', active && 'bg-zinc-100 dark:bg-zinc-800')}
                  >
                    <span className="w-12 tabular-nums">#{g.step}</span>
                    <span className="min-w-0 flex-1 truncate font-mono">{g.clipId}</span>
                    <span className="tabular-nums text-zinc-500" title="mean / best reward">
                      {formatScore(g.meanReward, 2)} / {formatScore(g.bestReward, 2)}
                    </span>
                    <span className="text-zinc-400">G={g.samples}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </Card>
        <div className="min-w-0">
          {!selected ? (
            <p className="rounded border border-dashed border-zinc-300 p-6 text-sm text-zinc-500 dark:border-zinc-700">Pick a group to see its G completions side by side.</p>
          ) : group.isLoading ? (
            <p className="text-sm text-zinc-500">Loading group…</p>
          ) : (
            <RolloutGroup
              rollouts={group.data ?? []}
              referenceCaption={clip.data?.referenceCaption ?? null}
              referenceThink={asThinkSubjects(clip.data?.think)}
              title={`Step ${selected.step} · ${selected.clipId}`}
              onSelect={(r) => r.id && router.push(`/runs/${runId}/rollouts/${r.id}`)}
            />
          )}
        </div>
      </div>
      <RolloutList runId={runId} filters={filters} setFilters={setFilters} />
    </section>
  );
}

function RolloutList({
  runId,
  filters: f,
  setFilters: setF,
}: {
  runId: string;
  filters: RolloutFilterState;
  setFilters: (patch: Partial<RolloutFilterState>) => void;
}) {
  const { query, errors } = rolloutQuery(f);
  const invalid = !!(errors.step || errors.reward);
  const { lengthUnit, escoreThresholds } = useRunLabels();
  const list = api.rollout.list.useInfiniteQuery(
    { runId, ...query, limit: 25 },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, enabled: !invalid },
  );
  const rows = invalid ? [] : (list.data?.pages.flatMap((p) => p.items) ?? []);
  const inp = (bad: boolean) =>
    cn('w-20 rounded border bg-white px-1 py-0.5 text-xs dark:bg-zinc-900', bad ? 'border-red-400 dark:border-red-700' : 'border-zinc-300 dark:border-zinc-700');
  return (
    <Card title="All rollouts" flush>
      <div className="flex flex-wrap items-center gap-3 border-b border-zinc-200 p-2 text-xs dark:border-zinc-800" data-testid="rollout-filters">
        <label className="flex items-center gap-1">
          steps
          <input aria-label="Minimum step" data-testid="filter-step-min" className={inp(!!errors.step)} aria-invalid={!!errors.step || undefined} value={f.stepMin} onChange={(e) => setF({ stepMin: e.target.value })} />–
          <input aria-label="Maximum step" data-testid="filter-step-max" className={inp(!!errors.step)} aria-invalid={!!errors.step || undefined} value={f.stepMax} onChange={(e) => setF({ stepMax: e.target.value })} />
        </label>
        <label className="flex items-center gap-1">
          reward
          <input aria-label="Minimum reward" data-testid="filter-reward-min" className={inp(!!errors.reward)} aria-invalid={!!errors.reward || undefined} value={f.rewardMin} onChange={(e) => setF({ rewardMin: e.target.value })} />–
          <input aria-label="Maximum reward" data-testid="filter-reward-max" className={inp(!!errors.reward)} aria-invalid={!!errors.reward || undefined} value={f.rewardMax} onChange={(e) => setF({ rewardMax: e.target.value })} />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" data-testid="filter-format-failures" checked={f.formatFailures} onChange={(e) => setF({ formatFailures: e.target.checked })} />
          format failures only
        </label>
        <label className="flex items-center gap-1">
          advantage
          <FilterSelect
            testId="filter-advantage"
            value={f.advantageSign}
            onChange={(v) => setF({ advantageSign: v })}
            options={[['', 'any'], ['positive', 'positive'], ['negative', 'negative'], ['zero', 'zero']]}
          />
        </label>
        <label className="flex items-center gap-1">
          sort
          <FilterSelect
            testId="rollout-list-sort"
            value={f.sort}
            onChange={(v) => setF({ sort: v })}
            options={[['step', 'step'], ['reward', 'reward'], ['advantage', 'advantage'], ['length', 'length']]}
          />
          <FilterSelect
            testId="rollout-list-order"
            label="Sort order"
            value={f.order}
            onChange={(v) => setF({ order: v })}
            options={[['desc', 'high → low'], ['asc', 'low → high']]}
          />
        </label>
      </div>
      {invalid && (
        <p role="alert" className="p-2 text-sm text-red-700 dark:text-red-400" data-testid="filter-error">
          {[errors.step, errors.reward].filter(Boolean).join('; ')}
        </p>
      )}
      {!invalid && list.error && <p className="p-2 text-sm text-red-600">{list.error.message}</p>}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs" data-testid="rollout-list">
          <thead className="uppercase text-zinc-500">
            <tr>
              <th className="px-2 py-1">Step</th>
              <th className="px-2 py-1">Clip</th>
              <th className="px-2 py-1">#</th>
              <th className="px-2 py-1">Format</th>
              <th className="px-2 py-1">Tscore</th>
              <th className="px-2 py-1" title={escoreLabel(escoreThresholds)}>
                Escore{escoreThresholds ? ` (δ ${escoreThresholds[0]}/${escoreThresholds[1]})` : ''}
              </th>
              <th className="px-2 py-1">CNscore</th>
              <th className="px-2 py-1">Reward</th>
              <th className="px-2 py-1">Advantage</th>
              <th className="px-2 py-1">Length{lengthUnit ? ` (${lengthUnit})` : ''}</th>
              <th className="px-2 py-1">Answer</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800" data-testid="rollout-row">
                <td className="px-2 py-1 tabular-nums">{r.step}</td>
                <td className="px-2 py-1 font-mono">{r.clipId}</td>
                <td className="px-2 py-1 tabular-nums">{r.sampleIndex}</td>
                <td className="px-2 py-1 tabular-nums">{formatScore(r.formatScore, 2)}</td>
                <td className="px-2 py-1 tabular-nums">{formatScore(r.thinkScore)}</td>
                <td className="px-2 py-1 tabular-nums">{formatScore(r.escore)}</td>
                <td className="px-2 py-1 tabular-nums">{formatScore(r.cnscore)}</td>
                <td className="px-2 py-1 tabular-nums font-medium" data-reward={r.reward}>
                  {formatScore(r.reward)}
                </td>
                <td className={cn('px-2 py-1 tabular-nums', SIGN[advantageSign(r.advantage)])} data-sign={advantageSign(r.advantage)}>
                  {r.advantage > 0 ? '+' : ''}
                  {formatScore(r.advantage)}
                </td>
                <td className="px-2 py-1 tabular-nums">{r.length}</td>
                <td className="max-w-md truncate px-2 py-1">
                  <Link className="hover:underline" href={`/runs/${runId}/rollouts/${r.id}`}>
                    {r.answer ?? r.completion.slice(0, 120)}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="flex items-center gap-2 p-2 text-xs text-zinc-500">
        <span data-testid="rollout-list-count">{rows.length} shown</span>
        {list.hasNextPage && (
          <Button size="sm" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()} data-testid="load-more">
            Load more
          </Button>
        )}
        {!invalid && !list.isLoading && !list.hasNextPage && rows.length > 0 && <span>end of list</span>}
      </div>
    </Card>
  );
}

/** A small select of the rollout filter bar; `options` are [value, label] pairs. */
function FilterSelect<V extends string>(props: {
  testId: string;
  value: V;
  onChange: (value: V) => void;
  options: readonly (readonly [V, string])[];
  label?: string;
}) {
  return (
    <select
      data-testid={props.testId}
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as V)}
      className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
    >
      {props.options.map(([v, l]) => (
        <option key={v} value={v}>
          {l}
        </option>
      ))}
    </select>
  );
}
