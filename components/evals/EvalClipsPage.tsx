'use client';

/**
 * /evals/<runId>/clips?benchmark=&subset=&bucket=&failed=1&sort=&order=: the clips behind a number,
 * sortable by recall / precision / F1 (DREAM-1K), accuracy / score (VDC) or action / object F1
 * (CAREBENCH). The view lives in the URL; click a clip for its verdicts.
 */
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';

type Benchmark = 'dream-1k' | 'vdc' | 'carebench';
type Sort = 'clip' | 'recall' | 'precision' | 'f1' | 'accuracy' | 'score' | 'action_f1' | 'object_f1';

const COLUMNS: Record<Benchmark, { key: Sort; label: string; pct: boolean }[]> = {
  'dream-1k': [
    { key: 'recall', label: 'Recall', pct: true },
    { key: 'precision', label: 'Precision', pct: true },
    { key: 'f1', label: 'F1', pct: true },
  ],
  vdc: [
    { key: 'accuracy', label: 'Accuracy', pct: true },
    { key: 'score', label: 'Score', pct: false },
  ],
  carebench: [
    { key: 'action_f1', label: 'Action F1', pct: true },
    { key: 'object_f1', label: 'Object F1', pct: true },
  ],
};

const PAGE = 100;

export function EvalClipsPage({ runId }: { runId: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const benchmark = (params.get('benchmark') ?? 'dream-1k') as Benchmark;
  const subset = params.get('subset');
  const bucket = params.get('bucket');
  const failedOnly = params.get('failed') === '1';
  const sort = (params.get('sort') ?? 'clip') as Sort;
  const order = (params.get('order') ?? (sort === 'clip' ? 'asc' : 'desc')) as 'asc' | 'desc';
  const offset = Number(params.get('offset') ?? 0);
  const q = api.eval.samples.useQuery({ runId, benchmark, subset, bucket, failedOnly, sort, order, offset, limit: PAGE });

  const setParams = (next: Record<string, string | null>) => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    router.replace(`${pathname}?${p.toString()}`);
  };
  const sortBy = (key: Sort) => setParams({ sort: key, order: sort === key && order === 'desc' ? 'asc' : 'desc', offset: null });
  const arrow = (key: Sort) => (sort === key ? (order === 'desc' ? ' ↓' : ' ↑') : '');
  const columns = COLUMNS[benchmark] ?? [];

  return (
    <section className="flex flex-col gap-3" data-testid="eval-clips-page">
      <div className="flex flex-wrap items-center gap-3">
        <Link href={`/evals/${runId}`} className="text-sm text-blue-700 hover:underline dark:text-blue-400">
          ← evaluation
        </Link>
        <h1 className="text-lg font-semibold">
          {benchmark}
          {subset ? ` · ${subset}` : ''}
          {bucket ? ` · ${bucket}` : ''}
          {failedOnly ? ' · failed clips' : ''}
        </h1>
        <span className="text-sm text-zinc-500" data-testid="eval-clips-total">
          {q.data ? `${q.data.total} clips` : ''}
        </span>
        <label className="ml-auto inline-flex items-center gap-2 text-sm">
          <input type="checkbox" checked={failedOnly} onChange={(e) => setParams({ failed: e.target.checked ? '1' : null, offset: null })} data-testid="eval-failed-only" />
          failed only
        </label>
      </div>
      {q.error && <p className="text-sm text-red-600">{q.error.message}</p>}
      <table className="w-full text-left text-sm" data-testid="eval-clips-table">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-1 pr-3">
              <button type="button" onClick={() => sortBy('clip')} data-testid="eval-sort-clip">
                Clip{arrow('clip')}
              </button>
            </th>
            <th className="py-1 pr-3">Subset</th>
            {columns.map((c) => (
              <th key={c.key} className="py-1 pr-3 text-right">
                <button type="button" onClick={() => sortBy(c.key)} data-testid={`eval-sort-${c.key}`}>
                  {c.label}
                  {arrow(c.key)}
                </button>
              </th>
            ))}
            <th className="py-1 pr-3">Prediction</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.items.map((s) => (
            <tr key={s.id} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid="eval-clip-row" data-clip={s.clipId}>
              <td className="py-1 pr-3 whitespace-nowrap">
                <Link href={`/evals/${runId}/clips/${s.id}`} className="text-blue-700 hover:underline dark:text-blue-400" data-testid="eval-clip-link">
                  {s.clipId}
                </Link>
              </td>
              <td className="py-1 pr-3 text-xs text-zinc-500">{s.subset}</td>
              {columns.map((c) => {
                const v = s.scores[c.key];
                return (
                  <td key={c.key} className="py-1 pr-3 text-right tabular-nums" data-testid={`eval-cell-${c.key}`} data-value={v ?? ''}>
                    {s.failed ? <span className="text-red-700">failed</span> : v === undefined ? '—' : c.pct ? (100 * v).toFixed(1) : v.toFixed(2)}
                  </td>
                );
              })}
              <td className="py-1 pr-3 text-xs text-zinc-600 dark:text-zinc-400">
                {s.flags.map((f) => (
                  <Badge key={f} tone="warning" className="mr-1">
                    {f}
                  </Badge>
                ))}
                {s.failed && <span className="mr-1 text-red-700">{s.failureReason}</span>}
                {s.prediction}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.data && q.data.total > PAGE && (
        <div className="flex items-center gap-2 text-sm">
          <Button size="sm" disabled={offset === 0} onClick={() => setParams({ offset: String(Math.max(0, offset - PAGE)) })}>
            Previous
          </Button>
          <span className="tabular-nums">
            {offset + 1}–{Math.min(offset + PAGE, q.data.total)} of {q.data.total}
          </span>
          <Button size="sm" disabled={offset + PAGE >= q.data.total} onClick={() => setParams({ offset: String(offset + PAGE) })}>
            Next
          </Button>
        </div>
      )}
    </section>
  );
}
