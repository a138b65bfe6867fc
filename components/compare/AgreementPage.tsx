'use client';

/**
 * Inter-annotator agreement per label (issue 13): pick two annotators (people by name, or an
 * automatic judge), optionally restricted to some clips (?clips=a,b); the table gives span-level
 * F1 under the exact rule (identical offsets) and the overlap rule (at least one shared character),
 * and Cohen's kappa on whitespace-token labels (label vs "none"), from core/compare/agreement.ts.
 */
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import type { LabelAgreement } from '../../core/compare/agreement';
import { api } from '../providers/trpc';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function F1Cell({ f }: { f: LabelAgreement['exact'] }) {
  return (
    <td title={`precision ${pct(f.precision)} (${f.matchedB}/${f.totalB}), recall ${pct(f.recall)} (${f.matchedA}/${f.totalA})`}>
      {f.f1.toFixed(3)} <span className="text-zinc-400">({f.totalA} / {f.totalB} spans)</span>
    </td>
  );
}

export function AgreementPage() {
  const params = useSearchParams();
  const router = useRouter();
  const clipsParam = params.get('clips');
  const clipIds = useMemo(() => (clipsParam ? clipsParam.split(',').filter(Boolean) : undefined), [clipsParam]);
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const annotators = api.analysis.annotators.useQuery({ clipIds });
  const report = api.analysis.agreement.useQuery({ a, b, clipIds }, { enabled: !!a && !!b && a !== b, retry: false });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`/compare/agreement?${next}`);
  };
  const options = annotators.data ?? [];
  return (
    <div className="flex flex-col gap-4" data-testid="agreement-page">
      <h1 className="text-lg font-semibold">Agreement between annotators</h1>
      <p className="text-sm text-zinc-500">
        {clipIds ? (
          <>
            Clips: {clipIds.join(', ')} · <Link href="/compare/agreement" className="underline">all clips</Link>
          </>
        ) : (
          'All clips.'
        )}{' '}
        Over the captions where either annotator wrote a span; rejected suggestions are left out.
      </p>
      <div className="flex flex-wrap gap-3">
        {(['a', 'b'] as const).map((k) => (
          <label key={k} className="flex flex-col gap-1 text-xs">
            Annotator {k.toUpperCase()}
            <select value={k === 'a' ? a : b} onChange={(e) => set(k, e.target.value)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid={`agreement-${k}`}>
              <option value="">choose…</option>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.origin === 'auto' ? `${o.name} [automatic]` : o.name} ({o.spans} spans)
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {options.length < 2 && annotators.data && <EmptyState title="Fewer than two annotators" description="Agreement needs spans from two annotators (people, or an automatic analysis)." />}
      {a && b && a === b && <p className="text-sm text-red-600">Choose two different annotators.</p>}
      {report.error && <p className="text-sm text-red-600">{report.error.message}</p>}
      {report.data && (
        <Card title={`Per label, over ${report.data.captions} caption(s)`}>
          <table className="w-full text-sm" data-testid="agreement-table">
            <thead>
              <tr className="text-left text-xs text-zinc-500">
                <th className="font-normal">Label</th>
                <th className="font-normal">Span F1, exact match (A / B spans)</th>
                <th className="font-normal">Span F1, overlap match</th>
                <th className="font-normal">Cohen&apos;s κ (whitespace tokens)</th>
              </tr>
            </thead>
            <tbody>
              {report.data.labels.map((l) => (
                <tr key={l.label} data-testid="agreement-row" data-label={l.label}>
                  <td>{l.label}</td>
                  <F1Cell f={l.exact} />
                  <F1Cell f={l.overlap} />
                  <td title={`observed ${l.kappa.observed.toFixed(3)}, chance ${l.kappa.expected.toFixed(3)}`} data-testid="agreement-kappa">
                    {l.kappa.kappa === null ? 'undefined (one label only)' : l.kappa.kappa.toFixed(3)} <span className="text-zinc-400">n={l.kappa.n}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="mt-2 text-xs text-zinc-500">
            Exact: a span matches when the other annotator has one with the same label and identical offsets. Overlap: same label and at least one shared character. F1 = 2PR/(P+R) with B&apos;s spans
            scored against A&apos;s. κ = (p_o − p_e)/(1 − p_e) on one label per whitespace token (that label or none).
          </p>
        </Card>
      )}
    </div>
  );
}
