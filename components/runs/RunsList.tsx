'use client';

import Link from 'next/link';
import { api } from '../providers/trpc';
import { StatusBadge } from './StatusBadge';

export function RunsList() {
  const runs = api.run.list.useQuery({ limit: 100 }, { refetchInterval: 3_000 });
  if (runs.isLoading) return <p className="text-sm text-zinc-500">Loading runs…</p>;
  if (runs.error) return <p className="text-sm text-red-600">Could not load runs: {runs.error.message}</p>;
  const items = runs.data?.items ?? [];
  if (items.length === 0) {
    return (
      <div data-testid="runs-empty" className="rounded-lg border border-dashed border-zinc-300 p-8 text-sm dark:border-zinc-700">
        <p className="font-medium">No runs yet.</p>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          Start one from the <Link className="underline" href="/runs/new">launch form</Link> (a local GRPO run trains a small
          simulated policy on CPU in about a minute), or from a terminal:
        </p>
        <pre className="mt-2 overflow-x-auto rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900">
          npx videocap launch --name my-run --kind grpo --backend local{'\n'}npx videocap import ./output/my-swift-run
        </pre>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">A runner must be running to take jobs: <code>npm run runner</code>.</p>
      </div>
    );
  }
  return (
    <table className="w-full text-left text-sm" data-testid="runs-table">
      <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
        <tr>
          <th className="py-2 pr-4">Run</th>
          <th className="py-2 pr-4">Experiment</th>
          <th className="py-2 pr-4">Kind</th>
          <th className="py-2 pr-4">Backend</th>
          <th className="py-2 pr-4">Status</th>
          <th className="py-2 pr-4">Progress</th>
          <th className="py-2 pr-4">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} className="border-b border-zinc-100 dark:border-zinc-900">
            <td className="py-2 pr-4">
              <Link className="font-medium underline-offset-2 hover:underline" href={r.kind === 'curate' ? `/curate/${r.id}` : `/runs/${r.id}`}>
                {r.name}
              </Link>
            </td>
            <td className="py-2 pr-4 text-zinc-600 dark:text-zinc-400">{r.experiment?.name ?? '—'}</td>
            <td className="py-2 pr-4">{r.kind}</td>
            <td className="py-2 pr-4">{r.backend === 'local' ? 'local (CPU simulation)' : r.backend}</td>
            <td className="py-2 pr-4">
              <StatusBadge status={r.status} />
            </td>
            <td className="py-2 pr-4 tabular-nums">
              {r.lastStep}/{r.maxSteps || '?'}
            </td>
            <td className="py-2 pr-4 text-zinc-500">{new Date(r.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
