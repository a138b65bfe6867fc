'use client';

/**
 * A curate run's page: status and annotator, stage progress, the funnel, the dynamicity histogram
 * with its threshold, the duration histogram with its window, the action inventory's growth and the
 * top actions, the output dataset, and every clip with its fate and reason (select one for its
 * frame strip). Polls while the run is live.
 */
import Link from 'next/link';
import { useState } from 'react';
import { api } from '../providers/trpc';
import { RunLogs } from '../runs/RunLogs';
import { StatusBadge } from '../runs/StatusBadge';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { FunnelChart, HistogramChart, InventoryChart, TopActionsChart } from './charts';
import { FrameStrip } from './FrameStrip';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
type Outcome = 'kept' | 'rejected' | 'error' | 'pending';
const OUTCOME_TONE = { kept: 'success', rejected: 'neutral', error: 'danger', pending: 'info' } as const;

export function CuratePage({ runId }: { runId: string }) {
  const live = (status?: string) => (status && TERMINAL.has(status) ? false : 2_000);
  const run = api.run.get.useQuery({ id: runId }, { refetchInterval: (q) => live(q.state.data?.status), retry: false });
  const status = run.data?.status;
  const view = api.curate.view.useQuery({ runId }, { refetchInterval: live(status), retry: false });
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const clips = api.curate.clips.useInfiniteQuery(
    { runId, outcome, limit: 50 },
    { getNextPageParam: (p) => p.nextCursor, refetchInterval: live(status) },
  );
  const [selected, setSelected] = useState<number | null>(null);
  const cancel = api.run.cancel.useMutation();

  if (run.isLoading || view.isLoading) return <p className="text-sm text-zinc-500">Loading curate run…</p>;
  if (run.error || !run.data) return <p className="text-sm text-red-600">Could not load run: {run.error?.message ?? 'not found'}</p>;
  if (view.error || !view.data) return <p className="text-sm text-red-600">Could not load the curation: {view.error?.message}</p>;
  const r = run.data;
  const v = view.data;
  const heuristic = v.thinkSources.find((t) => t.heuristic);
  const items = clips.data?.pages.flatMap((p) => p.items) ?? [];
  const sel = items.find((c) => c.ordinal === selected) ?? null;

  return (
    <div className="flex flex-col gap-4" data-testid="curate-page" data-status={r.status}>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">{r.name}</h1>
        <StatusBadge status={r.status} />
        <Badge tone="info">curate run · paper Appendix C</Badge>
        {heuristic && (
          <Badge tone="warning" data-testid="curate-heuristic-badge" wrap>
            {heuristic.clips} think(s) by the offline heuristic annotator ({heuristic.source}), not the paper's Qwen2.5-72B annotation
          </Badge>
        )}
        <span className="ml-auto flex gap-2">
          <Link href={`/runs/${r.id}`} className="text-sm underline">
            run details
          </Link>
          {!TERMINAL.has(r.status) && (
            <Button size="sm" variant="danger" onClick={() => cancel.mutate({ id: r.id })} loading={cancel.isPending}>
              Cancel
            </Button>
          )}
        </span>
      </header>
      {r.failureReason && <p className="text-sm text-red-600" data-testid="curate-failure">{r.failureReason}</p>}
      {v.dataset && (
        <p className="text-sm" data-testid="curate-output">
          Output: training dataset{' '}
          <Link className="font-medium underline" href={`/datasets/${v.dataset.id}`} data-testid="curate-output-link">
            {v.dataset.name}
          </Link>{' '}
          ({v.dataset.clips} clips).{' '}
          <Link className="underline" href={`/runs/new`}>
            Launch a GRPO/SFT run
          </Link>{' '}
          with dataset <code>{v.dataset.name}</code>.
        </p>
      )}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Funnel (clips in and out of each stage)">
          <FunnelChart rows={v.funnel} />
          <table className="mt-2 w-full text-left text-xs" data-testid="curate-funnel">
            <thead className="uppercase text-zinc-500">
              <tr>
                <th className="pr-2">Stage</th>
                <th className="pr-2 text-right">In</th>
                <th className="pr-2 text-right">Out</th>
                <th className="pr-2 text-right">Rejected</th>
                <th className="pr-2 text-right">Errors</th>
                <th className="text-right">Pending</th>
              </tr>
            </thead>
            <tbody>
              {v.funnel.map((f) => (
                <tr key={f.stage} data-testid={`funnel-${f.stage}`} data-in={f.in} data-out={f.out} className="border-t border-zinc-100 tabular-nums dark:border-zinc-800">
                  <td className="pr-2">{f.label}</td>
                  <td className="pr-2 text-right">{f.in}</td>
                  <td className="pr-2 text-right">{f.out}</td>
                  <td className="pr-2 text-right">{f.rejected}</td>
                  <td className="pr-2 text-right">{f.errors}</td>
                  <td className="text-right">{f.pending}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Stage progress">
          <ol className="flex flex-col gap-2 text-sm" data-testid="curate-stages">
            {v.stages.map((s) => (
              <li key={s.stage} className="flex flex-col">
                <span className="flex justify-between">
                  <span className="font-medium">{s.label}</span>
                  <span className="tabular-nums text-zinc-500">
                    {s.done}/{s.total} done · {s.passed} passed · {s.failed} out
                  </span>
                </span>
                <span className="h-1.5 w-full rounded bg-zinc-100 dark:bg-zinc-800">
                  <span className="block h-1.5 rounded bg-indigo-500" style={{ width: `${s.total ? (100 * s.done) / s.total : 0}%` }} />
                </span>
                {s.note && <span className="text-xs text-zinc-500">{s.note}</span>}
              </li>
            ))}
          </ol>
          <p className="mt-2 text-xs text-zinc-500">{v.reusedMeasurements} clip(s) used stored measurements (no probe, no decode).</p>
        </Card>
        <Card title={`Dynamicity (${v.dynamicity.measured} clips measured)`} data-testid="curate-dynamicity">
          <HistogramChart
            histogram={v.dynamicity.histogram}
            unit={v.dynamicity.unit}
            lines={v.dynamicity.cutoff !== null ? [{ x: v.dynamicity.cutoff, label: v.dynamicity.rule === 'threshold' ? `threshold ${v.dynamicity.cutoff}` : `top-share cutoff ${v.dynamicity.cutoff.toFixed(2)}` }] : []}
          />
          <p className="text-xs text-zinc-500">Mean OpenCV Farneback flow magnitude between sampled consecutive frames at reduced resolution.</p>
        </Card>
        <Card title={`Duration (${v.duration.measured} clips probed)`} data-testid="curate-duration">
          <HistogramChart
            histogram={v.duration.histogram}
            unit="seconds"
            lines={[
              ...(v.duration.minSec !== null ? [{ x: v.duration.minSec, label: `min ${v.duration.minSec}` }] : []),
              ...(v.duration.maxSec !== null ? [{ x: v.duration.maxSec, label: `max ${v.duration.maxSec}` }] : []),
            ]}
          />
        </Card>
        <Card title={`Action inventory (${v.inventorySize} types)`}>
          {v.inventory.length ? <InventoryChart points={v.inventory} /> : <p className="text-sm text-zinc-500">The action filter has not run yet.</p>}
        </Card>
        <Card title="Top actions of the kept clips">
          {v.topActions.length ? <TopActionsChart actions={v.topActions} /> : <p className="text-sm text-zinc-500">No kept clips yet.</p>}
          {v.thinkSources.length > 0 && (
            <ul className="mt-2 text-xs text-zinc-500" data-testid="curate-think-sources">
              {v.thinkSources.map((t) => (
                <li key={t.source}>
                  {t.clips} think(s) by {t.source}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card
        title="Clips"
        flush
        actions={
          <span className="flex gap-1">
            {([undefined, 'kept', 'rejected', 'error', 'pending'] as const).map((o) => (
              <Button key={o ?? 'all'} size="sm" variant={outcome === o ? 'primary' : 'ghost'} onClick={() => setOutcome(o)} data-testid={`curate-filter-${o ?? 'all'}`}>
                {o ?? 'all'}
              </Button>
            ))}
          </span>
        }
      >
        {sel && (
          <div className="border-b border-zinc-200 p-3 dark:border-zinc-800" data-testid="curate-selected">
            <p className="mb-2 text-sm font-medium">{sel.externalId}</p>
            {sel.videoPath ? <FrameStrip query={`run=${encodeURIComponent(runId)}&ordinal=${sel.ordinal}`} label={`frames of ${sel.externalId}`} /> : <p className="text-xs text-zinc-500">No video file.</p>}
            {sel.caption && <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{sel.caption}</p>}
            {Array.isArray(sel.think) && (
              <ul className="mt-2 text-xs">
                {(sel.think as { subject: string; attributes: string[]; actions: string[] }[]).map((t, i) => (
                  <li key={i}>
                    <span className="font-medium">{t.subject}</span> [{t.attributes.join(', ')}] → {t.actions.join(', ')}
                  </li>
                ))}
                <li className="text-zinc-500">think source: {sel.thinkSource}</li>
              </ul>
            )}
          </div>
        )}
        <div className="max-h-[32rem] overflow-auto">
          <table className="w-full text-left text-xs" data-testid="curate-clips">
            <thead className="sticky top-0 bg-white uppercase text-zinc-500 dark:bg-zinc-900">
              <tr>
                <th className="px-2 py-1">#</th>
                <th className="px-2 py-1">Clip</th>
                <th className="px-2 py-1">Outcome</th>
                <th className="px-2 py-1">Stage</th>
                <th className="px-2 py-1 text-right">Duration</th>
                <th className="px-2 py-1 text-right">Dynamicity</th>
                <th className="px-2 py-1">New actions</th>
                <th className="px-2 py-1">Reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr
                  key={c.ordinal}
                  className={`cursor-pointer border-t border-zinc-100 hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-800 ${selected === c.ordinal ? 'bg-indigo-50 dark:bg-indigo-950' : ''}`}
                  onClick={() => setSelected(c.ordinal)}
                  data-testid={`curate-clip-${c.externalId}`}
                  data-outcome={c.outcome}
                  data-stage={c.stage}
                >
                  <td className="px-2 py-1 tabular-nums">{c.ordinal + 1}</td>
                  <td className="px-2 py-1 font-mono">{c.externalId}</td>
                  <td className="px-2 py-1">
                    <Badge tone={OUTCOME_TONE[c.outcome as Outcome] ?? 'neutral'}>{c.outcome}</Badge>
                  </td>
                  <td className="px-2 py-1">{c.stage}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{c.durationSec != null ? `${c.durationSec.toFixed(1)} s` : '—'}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{c.dynamicity != null ? c.dynamicity.toFixed(2) : '—'}</td>
                  <td className="px-2 py-1">{c.newActions.join(', ')}</td>
                  <td className="px-2 py-1 text-zinc-600 dark:text-zinc-400">{c.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {clips.hasNextPage && (
            <div className="p-2">
              <Button size="sm" onClick={() => void clips.fetchNextPage()} loading={clips.isFetchingNextPage}>
                More clips
              </Button>
            </div>
          )}
        </div>
      </Card>
      <Card title="Logs">
        <RunLogs lines={r.logTail} />
      </Card>
    </div>
  );
}
