'use client';

/** One dataset: where it came from, its import report (problems per clip), think sources and clips. */
import Link from 'next/link';
import { useState } from 'react';
import { FrameStrip } from '../curation/FrameStrip';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';

interface ImportReport {
  problems?: { externalId: string; line: number | null; reason: string }[];
  problemCount?: number;
  imported?: number;
  videoFiles?: number;
  captionLines?: number;
}

export function DatasetPage({ id }: { id: string }) {
  const ds = api.dataset.get.useQuery({ id }, { retry: false });
  const clips = api.dataset.clips.useInfiniteQuery({ datasetId: ds.data?.id ?? id, limit: 50 }, { enabled: !!ds.data, getNextPageParam: (p) => p.nextCursor });
  const [open, setOpen] = useState<string | null>(null);
  if (ds.isLoading) return <p className="text-sm text-zinc-500">Loading dataset…</p>;
  if (ds.error || !ds.data) return <p className="text-sm text-red-600">Could not load dataset: {ds.error?.message}</p>;
  const d = ds.data;
  const report = (d.importReport ?? null) as ImportReport | null;
  const items = clips.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="flex flex-col gap-4" data-testid="dataset-page" data-kind={d.kind}>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">{d.name}</h1>
        {d.kind === 'benchmark' ? <Badge tone="warning">benchmark: evaluation data — training on it trains on test data</Badge> : <Badge tone="success">training data</Badge>}
        <span className="text-sm text-zinc-500" data-testid="dataset-clip-count">
          {d.clipCount} clips ({d.withVideo} with a video file)
        </span>
      </header>
      <Card title="Source">
        <p className="text-sm">{d.description}</p>
        <p className="mt-1 text-xs text-zinc-500">{d.source}</p>
        {d.sourceRun && (
          <p className="mt-1 text-sm">
            Made by curate run{' '}
            <Link className="underline" href={`/curate/${d.sourceRun.id}`}>
              {d.sourceRun.name}
            </Link>
            .
          </p>
        )}
        {d.thinkSources.length > 0 && (
          <ul className="mt-2 text-xs text-zinc-500">
            {d.thinkSources.map((t) => (
              <li key={t.source ?? 'none'}>
                {t.clips} clip(s): think {t.source ? `by ${t.source}` : 'missing (annotated when a run needs it)'}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {report?.problems && report.problems.length > 0 && (
        <Card title={`Import problems (${report.problemCount ?? report.problems.length})`} flush>
          <ul className="max-h-64 overflow-auto text-xs" data-testid="dataset-problems">
            {report.problems.map((p, i) => (
              <li key={i} className="border-t border-zinc-100 px-3 py-1 dark:border-zinc-800">
                <span className="font-mono">{p.externalId}</span>: {p.reason}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Clips" flush>
        <table className="w-full text-left text-xs" data-testid="dataset-clips">
          <thead className="uppercase text-zinc-500">
            <tr>
              <th className="px-2 py-1">Clip</th>
              <th className="px-2 py-1 text-right">Duration</th>
              <th className="px-2 py-1">Caption</th>
              <th className="px-2 py-1">Think</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} className="cursor-pointer border-t border-zinc-100 align-top dark:border-zinc-800" onClick={() => setOpen(open === c.id ? null : c.id)}>
                <td className="px-2 py-1 font-mono">
                  {c.externalId}
                  {open === c.id && c.videoPath && (
                    <div className="mt-2">
                      <FrameStrip query={`clip=${encodeURIComponent(c.id)}`} />
                    </div>
                  )}
                </td>
                <td className="px-2 py-1 text-right tabular-nums">{c.durationSec != null ? `${c.durationSec.toFixed(1)} s` : '—'}</td>
                <td className="px-2 py-1">{c.referenceCaption}</td>
                <td className="px-2 py-1">
                  {Array.isArray(c.think)
                    ? (c.think as { subject: string; actions: string[] }[]).map((t) => `${t.subject}: ${t.actions.join(', ')}`).join(' · ')
                    : '—'}
                  {c.thinkSource && <div className="text-zinc-500">{c.thinkSource}</div>}
                </td>
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
      </Card>
    </div>
  );
}
