'use client';

import Link from 'next/link';
import { api } from '../providers/trpc';
import { Card } from '../ui/Card';
import { RunCharts } from './RunCharts';
import { RunHeader } from './RunHeader';
import { RunLogs } from './RunLogs';
import { RunEvaluations } from '../evals/RunEvaluations';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** The run page: header, charts, history, checkpoints, config and logs. Polls every 2 s while live. */
export function RunPage({ runId }: { runId: string }) {
  const run = api.run.get.useQuery(
    { id: runId },
    { refetchInterval: (q) => (q.state.data && TERMINAL.has(q.state.data.status) ? false : 2_000), retry: false },
  );
  if (run.isLoading) return <p className="text-sm text-zinc-500">Loading run…</p>;
  if (run.error || !run.data) return <p className="text-sm text-red-600">Could not load run: {run.error?.message ?? 'not found'}</p>;
  const r = run.data;
  return (
    <div className="flex flex-col gap-4" data-testid="run-page" data-status={r.status}>
      <RunHeader run={r} />
      {r.kind === 'curate' ? (
        <p className="text-sm">
          A curate run: its funnel, histograms and clips are on the{' '}
          <Link className="underline" href={`/curate/${r.id}`} data-testid="run-curation-link">
            curation page
          </Link>
          .
        </p>
      ) : r.kind === 'analyze' ? (
        <p className="text-sm" data-testid="run-analyze-note">
          A caption analysis: its red / green / highlighted suggestions and hallucination rates are on the captions&apos; compare view (Captions in the navigation); the summary below gives its
          claims, judge and rate.
        </p>
      ) : r.kind === 'eval' ? (
        <p className="text-sm" data-testid="run-eval-note">
          An evaluation: its results per benchmark and subset, the judge and every clip are on the{' '}
          <Link className="underline" href={`/evals/${r.id}`} data-testid="run-eval-link">
            evaluation page
          </Link>
          .
        </p>
      ) : (
        <RunCharts primaryRunId={r.id} />
      )}
      <RunEvaluations runId={r.id} kind={r.kind} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="State history">
          <ol className="flex flex-col gap-1 text-sm" data-testid="run-transitions">
            {r.transitions.map((t) => (
              <li key={t.id} className="flex flex-wrap gap-2">
                <span className="tabular-nums text-zinc-500">{new Date(t.at).toLocaleString()}</span>
                <span className="font-medium">
                  {t.fromStatus ?? '∅'} → {t.toStatus}
                </span>
                <span className="text-zinc-600 dark:text-zinc-400">{t.reason}</span>
                {t.runnerId && <span className="text-xs text-zinc-400">({t.runnerId})</span>}
              </li>
            ))}
          </ol>
        </Card>
        <Card title={`Checkpoints (${r.checkpoints.length})`} flush>
          {r.checkpoints.length === 0 ? (
            <p className="p-3 text-sm text-zinc-500">No checkpoints yet.</p>
          ) : (
            <div className="max-h-64 overflow-auto">
              <table className="w-full text-left text-sm" data-testid="run-checkpoints">
                <thead className="text-xs uppercase text-zinc-500">
                  <tr>
                    <th className="px-3 py-1">Step</th>
                    <th className="px-3 py-1">Path</th>
                    <th className="px-3 py-1">Saved</th>
                  </tr>
                </thead>
                <tbody>
                  {r.checkpoints.map((c) => (
                    <tr key={c.id} className="border-t border-zinc-100 dark:border-zinc-800">
                      <td className="px-3 py-1 tabular-nums">{c.step}</td>
                      <td className="px-3 py-1 font-mono text-xs break-all">{c.path}</td>
                      <td className="px-3 py-1 text-zinc-500">{new Date(c.createdAt).toLocaleTimeString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Logs">
          <RunLogs lines={r.logTail} />
        </Card>
        <Card title="Config">
          <pre className="max-h-64 overflow-auto text-xs" data-testid="run-config">
            {JSON.stringify(r.config, null, 2)}
          </pre>
        </Card>
      </div>
    </div>
  );
}
