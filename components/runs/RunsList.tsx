'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useSession } from '../auth/SessionProvider';
import { api } from '../providers/trpc';
import { RunAttentionLine, TestSetMark } from './RunAttention';
import { StatusBadge } from './StatusBadge';

/** Who launched runs: "anyone", "me" or a user id (the runs list's owner filter). */
function OwnerFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { user, mode } = useSession();
  const users = api.user.directory.useQuery(undefined, { enabled: mode === 'accounts', staleTime: 60_000 });
  if (mode !== 'accounts') return null;
  return (
    <label className="mb-3 flex items-center gap-2 text-sm">
      <span className="text-zinc-500">Launched by</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} className="h-8 rounded border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-900" data-testid="owner-filter">
        <option value="">anyone</option>
        {user?.userId && <option value="me">me</option>}
        {(users.data ?? [])
          .filter((u) => u.id !== user?.userId)
          .map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayUsername ?? u.username ?? u.name}
            </option>
          ))}
      </select>
    </label>
  );
}

export function RunsList() {
  const { user } = useSession();
  const [owner, setOwner] = useState('');
  const createdById = owner === 'me' ? (user?.userId ?? undefined) : owner || undefined;
  const runs = api.run.list.useQuery({ limit: 100, createdById }, { refetchInterval: 3_000 });
  const filter = <OwnerFilter value={owner} onChange={setOwner} />;
  if (runs.isLoading) return <p className="text-sm text-zinc-500">Loading runs…</p>;
  if (runs.error) return <p className="text-sm text-red-600">Could not load runs: {runs.error.message}</p>;
  const items = runs.data?.items ?? [];
  if (items.length === 0 && createdById) {
    return (
      <>
        {filter}
        <p className="text-sm text-zinc-500" data-testid="runs-empty-filtered">No runs launched by this user.</p>
      </>
    );
  }
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
    <>
    {filter}
    <table className="w-full text-left text-sm" data-testid="runs-table">
      <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
        <tr>
          <th className="py-2 pr-4">Run</th>
          <th className="py-2 pr-4">Experiment</th>
          <th className="py-2 pr-4">Kind</th>
          <th className="py-2 pr-4">Backend</th>
          <th className="py-2 pr-4">Status</th>
          <th className="py-2 pr-4">Progress</th>
          <th className="py-2 pr-4">Launched by</th>
          <th className="py-2 pr-4">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id} className="border-b border-zinc-100 dark:border-zinc-900" data-testid="run-row" data-run-id={r.id}>
            <td className="py-2 pr-4">
              <Link className="font-medium underline-offset-2 hover:underline" href={r.kind === 'curate' ? `/curate/${r.id}` : `/runs/${r.id}`}>
                {r.name}
              </Link>
              <TestSetMark benchmarks={r.trainedOnBenchmarks} className="ml-2" />
            </td>
            <td className="py-2 pr-4 text-zinc-600 dark:text-zinc-400">{r.experiment?.name ?? '—'}</td>
            <td className="py-2 pr-4">{r.kind}</td>
            <td className="py-2 pr-4" data-testid="run-backend-cell">{r.backendLabel}</td>
            <td className="py-2 pr-4">
              <StatusBadge status={r.status} />
              {r.attention && <RunAttentionLine attention={r.attention} />}
            </td>
            <td className="py-2 pr-4 tabular-nums">
              {r.lastStep}/{r.maxSteps || '?'}
            </td>
            <td className="py-2 pr-4 text-zinc-600 dark:text-zinc-400" data-testid="run-owner-cell">
              {r.createdBy ? (r.createdBy.displayUsername ?? r.createdBy.username ?? r.createdBy.name) : '—'}
            </td>
            <td className="py-2 pr-4 text-zinc-500">{new Date(r.createdAt).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}
