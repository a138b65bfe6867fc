'use client';

import Link from 'next/link';
import { api } from '../providers/trpc';
import { StatusBadge } from '../runs/StatusBadge';

/** Curate runs, newest first. */
export function CurateRunsList() {
  const runs = api.run.list.useQuery({ limit: 50, kind: 'curate' }, { refetchInterval: 3_000 });
  if (runs.isLoading) return <p className="text-sm text-zinc-500">Loading…</p>;
  const items = runs.data?.items ?? [];
  if (items.length === 0) return <p className="text-sm text-zinc-500">No curate runs yet.</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="curate-runs">
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-1 pr-4">Run</th>
          <th className="py-1 pr-4">Status</th>
          <th className="py-1 pr-4">Stages</th>
          <th className="py-1 pr-4">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800">
            <td className="py-1 pr-4">
              <Link className="font-medium hover:underline" href={`/curate/${r.id}`}>
                {r.name}
              </Link>
            </td>
            <td className="py-1 pr-4">
              <StatusBadge status={r.status} />
            </td>
            <td className="py-1 pr-4 tabular-nums">
              {r.lastStep}/{r.maxSteps}
            </td>
            <td className="py-1 pr-4 text-zinc-500">{new Date(r.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
