'use client';

/**
 * The compare view's analysis controls (issue 13, part B): run the automatic analysis on the shown
 * captions (an "analyze" run on a runner: the evaluation's claim extraction and judge, the offline
 * lexical judge by default), per-source hallucination rates, annotation export / import (JSONL, CSV)
 * and the figure export (LaTeX snippet, SVG, PNG) of exactly what the view shows.
 */
import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { latexFigure, svgFigure, type FigureInput } from '../../core/compare/figure';
import { isReferenceSource } from '../../core/compare/reference-source';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { downloadBlob, svgToPng } from '../ui/download';

export interface PanelCaption {
  id: string;
  text: string;
  source: { id: string; name: string; kind: string; model: string | null };
  /** The spans the view shows for this caption (after the mine / everyone's / automatic toggle). */
  spans: readonly { start: number; end: number; label: string; status: string }[];
}

export interface AnalysisPanelProps {
  clipId: string;
  reference: string;
  captions: readonly PanelCaption[];
  /** Every source (for the baseline picker). */
  sources: readonly { id: string; label: string }[];
  mayResearch: boolean;
  mayAnnotate: boolean;
  /** Reload the view's captions and spans. */
  onChanged: () => void;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export function AnalysisPanel({ clipId, reference, captions, sources, mayResearch, mayAnnotate, onChanged }: AnalysisPanelProps) {
  const utils = api.useUtils();
  const [baseline, setBaseline] = useState('');
  const [judgeKind, setJudgeKind] = useState<'lexical' | 'openai'>('lexical');
  const [judgeUrl, setJudgeUrl] = useState('');
  const [judgeModel, setJudgeModel] = useState('');
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [importMsg, setImportMsg] = useState<{ ok: boolean; text: string; errors?: string[] } | null>(null);
  const [latex, setLatex] = useState<string | null>(null);

  const sourceIds = useMemo(() => captions.map((c) => c.source.id), [captions]);
  const rates = api.analysis.rates.useQuery({ sourceIds }, { enabled: sourceIds.length > 0 });
  const clipRates = api.analysis.rates.useQuery({ sourceIds, clipIds: [clipId] }, { enabled: sourceIds.length > 0 });
  const analyses = api.analysis.forClip.useQuery({ clipId });
  const launch = api.analysis.launch.useMutation({ onError: (e) => setError(e.message) });
  const run = api.run.get.useQuery(
    { id: runId ?? '' },
    {
      enabled: !!runId,
      refetchInterval: (q) => {
        const s = q.state.data?.status;
        return s === 'succeeded' || s === 'failed' || s === 'cancelled' ? false : 1000;
      },
    },
  );
  const status = run.data?.status ?? (runId ? 'queued' : null);
  const finished = !!runId && (status === 'succeeded' || status === 'failed');
  useEffect(() => {
    if (!finished) return;
    void utils.analysis.invalidate();
    onChanged();
    // once per finished run
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished, runId]);
  const importMut = api.analysis.importAnnotations.useMutation();

  // The reference is what claims are judged against: never analysed (core/compare/reference-source.ts).
  const analysable = useMemo(() => captions.filter((c) => !isReferenceSource(c.source)), [captions]);

  async function start() {
    setError(null);
    const judge = judgeKind === 'lexical' ? { kind: 'lexical' as const } : { kind: 'openai' as const, baseUrl: judgeUrl, model: judgeModel };
    const r = await launch.mutateAsync({ config: { pairs: analysable.map((c) => ({ clipId, sourceId: c.source.id })), baselineSourceId: baseline || null, judge } });
    setRunId(r.id);
  }

  function figureInput(): FigureInput {
    return {
      clipId,
      reference: reference || null,
      columns: captions.map((c) => ({ name: c.source.model ?? c.source.name, text: c.text, spans: c.spans.filter((s) => s.status !== 'rejected') })),
    };
  }

  async function importFile(file: File) {
    setImportMsg(null);
    const format = /\.csv$/i.test(file.name) ? 'csv' : 'jsonl';
    try {
      const r = await importMut.mutateAsync({ format, content: await file.text() });
      setImportMsg({ ok: true, text: `${file.name}: imported ${r.imported} span(s)${r.duplicates ? `, ${r.duplicates} already stored (skipped)` : ''}` });
      onChanged();
      void utils.analysis.invalidate();
    } catch (e) {
      // "annotations not imported (nothing stored): N errors — line 2, field source: …; line 3, …"
      const message = (e as Error).message;
      const list = message.includes(' — ') ? message.slice(message.indexOf(' — ') + 3).split(/; (?=(?:line|row) \d)/) : undefined;
      setImportMsg({ ok: false, text: message, errors: list });
    }
  }

  const exportHref = (format: 'jsonl' | 'csv') => `/api/annotations/export?format=${format}&clips=${encodeURIComponent(clipId)}`;
  const byCaption = new Map((analyses.data ?? []).map((a) => [a.captionId, a]));

  return (
    <Card title="Automatic analysis, rates and export" data-testid="analysis-panel">
      <div className="flex flex-col gap-3 p-3 text-sm">
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-xs">
            Judge
            <select value={judgeKind} onChange={(e) => setJudgeKind(e.target.value as 'lexical' | 'openai')} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="analyze-judge">
              <option value="lexical">offline lexical judge (approximation, not an LLM)</option>
              <option value="openai">OpenAI-compatible judge…</option>
            </select>
          </label>
          {judgeKind === 'openai' && (
            <>
              <label className="flex flex-col gap-1 text-xs">
                Base URL
                <input value={judgeUrl} onChange={(e) => setJudgeUrl(e.target.value)} placeholder="http://127.0.0.1:8000/v1" className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" />
              </label>
              <label className="flex flex-col gap-1 text-xs">
                Model
                <input value={judgeModel} onChange={(e) => setJudgeModel(e.target.value)} placeholder="Qwen2.5-72B-Instruct" className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" />
              </label>
            </>
          )}
          <label className="flex flex-col gap-1 text-xs">
            Baseline for unique details
            <select value={baseline} onChange={(e) => setBaseline(e.target.value)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="analyze-baseline">
              <option value="">none</option>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <Button variant="primary" size="sm" onClick={() => void start().catch(() => undefined)} disabled={!mayResearch || analysable.length === 0 || launch.isPending || (!!runId && status !== null && !['succeeded', 'failed', 'cancelled'].includes(status))} data-testid="analyze-run" title={mayResearch ? 'analyse the shown captions on a runner' : 'needs the researcher role'}>
            Analyze {analysable.length} caption{analysable.length === 1 ? '' : 's'}
          </Button>
          {analysable.length < captions.length && (
            <span className="text-xs text-zinc-500" data-testid="analyze-reference-skipped">
              (the reference is not analysed: claims are judged against it)
            </span>
          )}
          {runId && (
            <span className="text-xs" data-testid="analyze-status" data-status={status ?? ''}>
              <Link href={`/runs/${runId}`} className="underline">
                analysis run
              </Link>{' '}
              <Badge tone={status === 'succeeded' ? 'success' : status === 'failed' ? 'danger' : 'info'}>{status}</Badge>
              {run.data?.failureReason ? <span className="text-red-600"> {run.data.failureReason}</span> : null}
              {status === 'queued' ? <span className="text-zinc-500"> (waiting for a runner)</span> : null}
            </span>
          )}
        </div>
        <p className="text-xs text-zinc-500">
          Claims come from the evaluation&apos;s extraction (DREAM-1K events; CAREBENCH objects), each judged against the clip&apos;s reference by the evaluation&apos;s judge: not entailed → red, entailed → green,
          entailed and not entailed by the baseline&apos;s caption → highlighted. They appear as automatic suggestions (show: Automatic / Everyone&apos;s) to accept (a) or reject (r).
        </p>
        {error && (
          <p className="text-xs text-red-600" role="alert" data-testid="analyze-error">
            {error}
          </p>
        )}

        <div>
          <h4 className="text-xs font-medium text-zinc-500">Hallucination rate (hallucinated claims / all claims)</h4>
          {(rates.data ?? []).length === 0 ? (
            <p className="text-xs text-zinc-500" data-testid="rates-empty">
              No analysis of these sources yet.
            </p>
          ) : (
            <table className="mt-1 w-full text-xs" data-testid="rates-table">
              <thead>
                <tr className="text-left text-zinc-500">
                  <th className="font-normal">Source</th>
                  <th className="font-normal">Judge</th>
                  <th className="font-normal">This clip</th>
                  <th className="font-normal">All analysed clips</th>
                  <th className="font-normal">Claims</th>
                  <th className="font-normal">Clips</th>
                </tr>
              </thead>
              <tbody>
                {(rates.data ?? []).map((r) => {
                  const here = clipRates.data?.find((x) => x.sourceId === r.sourceId && x.judge === r.judge);
                  return (
                    <tr key={`${r.sourceId}-${r.judge}`} data-testid="rate-row" data-source-id={r.sourceId}>
                      <td>{r.model}</td>
                      <td className="text-zinc-500">{r.judge.startsWith('lexical:') && !/approximation/.test(r.judge) ? `${r.judge} (offline approximation)` : r.judge}</td>
                      <td data-testid="rate-clip">{here?.rate != null ? `${(100 * here.rate).toFixed(1)}% (${here.hallucinated}/${here.claims})` : '—'}</td>
                      <td data-testid="rate-all">{r.rate != null ? `${(100 * r.rate).toFixed(1)}%` : '—'}</td>
                      <td>
                        {r.hallucinated}/{r.claims}
                      </td>
                      <td>{r.clips}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {captions.some((c) => (byCaption.get(c.id)?.nUnmapped ?? 0) > 0 || byCaption.get(c.id)?.stale) && (
            <ul className="mt-1 text-xs text-zinc-500">
              {captions.map((c) => {
                const a = byCaption.get(c.id);
                if (!a || (!a.nUnmapped && !a.stale)) return null;
                return (
                  <li key={c.id}>
                    {c.source.model ?? c.source.name}: {a.nUnmapped ? `${a.nUnmapped} of ${a.nClaims} claims could not be located in the text (counted in the rate, not drawn)` : ''}
                    {a.stale ? ' · the caption changed since its analysis: run it again' : ''}
                  </li>
                );
              })}
            </ul>
          )}
        </div>

        <div className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-zinc-500">Annotations of this clip:</span>
          <a href={exportHref('jsonl')} download className="rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" data-testid="export-annotations-jsonl">
            Export JSONL
          </a>
          <a href={exportHref('csv')} download className="rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800" data-testid="export-annotations-csv">
            Export CSV
          </a>
          <label className={`rounded border border-zinc-300 px-2 py-1 text-xs dark:border-zinc-700 ${mayAnnotate ? 'cursor-pointer hover:bg-zinc-100 dark:hover:bg-zinc-800' : 'opacity-50'}`}>
            Import JSONL / CSV…
            <input
              type="file"
              accept=".jsonl,.ndjson,.csv,application/json,text/csv"
              className="hidden"
              disabled={!mayAnnotate}
              data-testid="import-annotations"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void importFile(f);
              }}
            />
          </label>
          <Link href={`/compare/agreement?clips=${encodeURIComponent(clipId)}`} className="text-xs underline" data-testid="agreement-link">
            Agreement between annotators…
          </Link>
        </div>
        {importMsg && (
          <div className={`text-xs ${importMsg.ok ? 'text-emerald-700' : 'text-red-600'}`} role={importMsg.ok ? 'status' : 'alert'} data-testid="import-result">
            {importMsg.errors?.length ? (
              <>
                Nothing imported:
                <ul className="ml-4 list-disc">
                  {importMsg.errors.map((e, i) => (
                    <li key={i}>{e}</li>
                  ))}
                </ul>
              </>
            ) : (
              importMsg.text
            )}
          </div>
        )}

        <div className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-zinc-500">Figure (the shown spans, paper style):</span>
          <Button size="sm" onClick={() => setLatex(latexFigure(figureInput()))} data-testid="export-latex">
            LaTeX
          </Button>
          <Button size="sm" onClick={() => downloadBlob(`compare-${safe(clipId)}.svg`, new Blob([svgFigure(figureInput())], { type: 'image/svg+xml' }))} data-testid="export-svg">
            SVG
          </Button>
          <Button size="sm" onClick={() => void svgToPng(svgFigure(figureInput())).then((b) => downloadBlob(`compare-${safe(clipId)}.png`, b)).catch((e: Error) => setError(e.message))} data-testid="export-png">
            PNG
          </Button>
        </div>
        {latex !== null && (
          <div className="flex flex-col gap-1">
            <p className="text-xs text-zinc-500">
              Preamble: <code>\usepackage[T1]{'{fontenc}'} \usepackage{'{lmodern}'} \usepackage{'{xcolor}'} \usepackage[normalem]{'{ulem}'} \usepackage{'{soul}'}</code> plus the colour definitions in the snippet&apos;s
              download (.tex, a complete document).
            </p>
            <textarea readOnly value={latex} rows={8} className="w-full rounded border border-zinc-300 p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900" data-testid="latex-output" />
            <span className="flex gap-2">
              <Button size="sm" onClick={() => void navigator.clipboard?.writeText(latex).catch(() => undefined)}>
                Copy snippet
              </Button>
              <Button
                size="sm"
                onClick={() => void import('../../core/compare/figure').then((m) => downloadBlob(`compare-${safe(clipId)}.tex`, new Blob([m.latexDocument(figureInput())], { type: 'application/x-tex' })))}
                data-testid="download-latex"
              >
                Download .tex (compilable document)
              </Button>
            </span>
          </div>
        )}
      </div>
    </Card>
  );
}
