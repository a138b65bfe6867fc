'use client';

/**
 * On a run's page: for an eval run, its progress and a link to the evaluation page; for a training run,
 * the evaluation results of its checkpoints (judge named, simulated captions marked) and a link to
 * evaluate a checkpoint.
 */
import Link from 'next/link';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EvalProgressLine } from './EvalPage';

const HEADLINE = new Set(['f1', 'accuracy', 'score', 'action_f1', 'object_f1']);

export function RunEvaluations({ runId, kind }: { runId: string; kind: string }) {
  const isEval = kind === 'eval';
  const terminal = (status: string | undefined) => status !== undefined && ['succeeded', 'failed', 'cancelled'].includes(status);
  const ev = api.eval.get.useQuery({ runId }, { enabled: isEval, retry: false, refetchInterval: (q) => (terminal(q.state.data?.status) ? false : 2_000) });
  const results = api.eval.forRun.useQuery({ runId }, { refetchInterval: isEval && !terminal(ev.data?.status) ? 3_000 : false });
  const rows = (results.data ?? []).filter((r) => HEADLINE.has(r.metric));
  return (
    <Card
      title={isEval ? 'Evaluation' : 'Evaluations of this run'}
      actions={
        isEval ? (
          <Link href={`/evals/${runId}`} className="text-xs text-blue-700 hover:underline dark:text-blue-400" data-testid="open-evaluation">
            Open evaluation
          </Link>
        ) : (
          <Link href={`/evals/new?run=${encodeURIComponent(runId)}`} className="text-xs text-blue-700 hover:underline dark:text-blue-400" data-testid="evaluate-run">
            Evaluate a checkpoint
          </Link>
        )
      }
      data-testid="run-evaluations"
    >
      {isEval && ev.data?.evalProgress && (
        <div className="mb-2">
          <EvalProgressLine progress={ev.data.evalProgress} />
        </div>
      )}
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-500">{isEval ? 'Results appear when the evaluation finishes.' : 'No evaluation of this run yet.'}</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-1 pr-3">Benchmark</th>
              <th className="py-1 pr-3">Metric</th>
              <th className="py-1 pr-3 text-right">Value</th>
              <th className="py-1 pr-3">Checkpoint</th>
              <th className="py-1 pr-3">Judge</th>
              <th className="py-1 pr-3">Evaluation</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className="border-t border-zinc-100 dark:border-zinc-800" data-testid="run-eval-row">
                <td className="py-1 pr-3">
                  {r.benchmark}
                  {r.subset !== 'overall' ? ` · ${r.subset}` : ''}
                </td>
                <td className="py-1 pr-3">{r.metric}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{r.metric === 'score' ? r.value.toFixed(2) : r.value.toFixed(1)}</td>
                <td className="py-1 pr-3">{r.checkpoint ? `step ${r.checkpoint.step}` : '—'}</td>
                <td className="py-1 pr-3 text-xs">
                  {r.judgeKind === 'lexical' ? <Badge tone="warning">lexical (offline)</Badge> : r.judgeModel}
                  {r.simulated && (
                    <Badge tone="warning" className="ml-1">
                      simulated captions
                    </Badge>
                  )}
                </td>
                <td className="py-1 pr-3">
                  {r.run && (
                    <Link href={`/evals/${r.run.id}`} className="text-blue-700 hover:underline dark:text-blue-400">
                      {r.run.name}
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
