'use client';

/**
 * /evals/<runId>: an evaluation's summary. Per benchmark: the numbers per subset and overall (and the
 * DREAM-1K breakdowns), the failed-clip count, the judge identity and how the captions were made;
 * every number links to the clips behind it. Live progress while it runs (polls every 2 s).
 */
import { compareBenchmarkPreset, type EvalConfigAnnotations } from '../../core/results/coverage';
import Link from 'next/link';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { StatusBadge } from '../runs/StatusBadge';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

interface ResultRow {
  benchmark: string;
  subset: string;
  metric: string;
  value: number;
  clips: number | null;
  checkpointId?: string | null;
  failedClips: number | null;
  judgeModel: string | null;
  judgeKind: string | null;
  judgeEndpoint: string | null;
  judgeTemperature: number | null;
  promptVersion: string | null;
  simulated: boolean;
  modelName: string | null;
  origin: string;
  provenance: unknown;
}

interface Provenance {
  captions?: { method?: string; model?: string | null; prompt?: string | null; temperature?: number | null; frames?: { maxFrames: number | null } | null; notes?: string | null; file?: string | null; checkpoint?: { step: number | null; path: string | null } | null };
}

function fmt(metric: string, v: number | undefined): string {
  if (v === undefined) return '—';
  return metric.endsWith('score') ? v.toFixed(2) : v.toFixed(1);
}

function clipsHref(runId: string, q: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  return `/evals/${runId}/clips?${p.toString()}`;
}

function Num({ runId, rows, benchmark, subset, metric, sort, bucket }: { runId: string; rows: ResultRow[]; benchmark: string; subset: string; metric: string; sort: string; bucket?: string }) {
  const row = rows.find((r) => r.benchmark === benchmark && r.subset === subset && r.metric === metric);
  if (!row) return <span className="text-zinc-400">—</span>;
  return (
    <Link
      href={clipsHref(runId, { benchmark, subset: bucket ? undefined : subset, bucket, sort, order: 'desc' })}
      className="tabular-nums text-blue-700 hover:underline dark:text-blue-400"
      data-testid={`eval-value-${benchmark}-${subset}-${metric}`}
      data-value={row.value}
    >
      {fmt(metric, row.value)}
    </Link>
  );
}

function countOf(rows: ResultRow[], benchmark: string, subset: string, key: 'clips' | 'failedClips'): number | null {
  const r = rows.find((x) => x.benchmark === benchmark && x.subset === subset);
  return r ? r[key] : null;
}

const DREAM_SUBSETS = ['overall', 'movie_animation', 'movie_live_action', 'vertical_video', 'videvo', 'youtube'];
const BUCKETS: Record<string, string[]> = {
  n_subjects: ['<=1', '==2', '==3', '>=4'],
  n_shots: ['<=1', '==2', '==3', '>=4'],
  n_events: ['<=3', 'in [4, 5]', 'in [6, 7]', '>=8'],
};

function Dream1kSummary({ runId, rows }: { runId: string; rows: ResultRow[] }) {
  return (
    <div className="flex flex-col gap-3">
      <table className="w-full text-left text-sm" data-testid="eval-summary-dream-1k">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-1 pr-3">Subset</th>
            <th className="py-1 pr-3 text-right">F1</th>
            <th className="py-1 pr-3 text-right">Precision</th>
            <th className="py-1 pr-3 text-right">Recall</th>
            <th className="py-1 pr-3 text-right">Clips</th>
            <th className="py-1 pr-3 text-right">Failed</th>
          </tr>
        </thead>
        <tbody>
          {DREAM_SUBSETS.filter((s) => rows.some((r) => r.subset === s)).map((s) => {
            const failed = countOf(rows, 'dream-1k', s, 'failedClips') ?? 0;
            return (
              <tr key={s} className={s === 'overall' ? 'border-t border-zinc-200 font-medium dark:border-zinc-800' : 'border-t border-zinc-100 dark:border-zinc-800'}>
                <td className="py-1 pr-3">{s}</td>
                <td className="py-1 pr-3 text-right"><Num runId={runId} rows={rows} benchmark="dream-1k" subset={s} metric="f1" sort="f1" /></td>
                <td className="py-1 pr-3 text-right"><Num runId={runId} rows={rows} benchmark="dream-1k" subset={s} metric="precision" sort="precision" /></td>
                <td className="py-1 pr-3 text-right"><Num runId={runId} rows={rows} benchmark="dream-1k" subset={s} metric="recall" sort="recall" /></td>
                <td className="py-1 pr-3 text-right tabular-nums">{countOf(rows, 'dream-1k', s, 'clips') ?? '—'}</td>
                <td className="py-1 pr-3 text-right tabular-nums">
                  {failed > 0 ? (
                    <Link href={clipsHref(runId, { benchmark: 'dream-1k', subset: s, failed: '1' })} className="text-red-700 hover:underline" data-testid={`eval-failed-dream-1k-${s}`}>
                      {failed}
                    </Link>
                  ) : (
                    0
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="text-xs text-zinc-500">
        Values in percent. Per subset: mean clip recall and precision, F1 of the means; overall: mean of the subsets&apos; R and P, then F1 (Tarsier&apos;s DREAMGPTMetric).
        Failed clips (no valid judge reply after the retries) are counted and left out, never scored 0.
      </p>
      <details>
        <summary className="cursor-pointer text-xs text-zinc-600 dark:text-zinc-400">Breakdowns by number of subjects, shots and events</summary>
        <div className="mt-2 grid grid-cols-1 gap-3 lg:grid-cols-3" data-testid="eval-breakdowns">
          {Object.entries(BUCKETS).map(([kind, labels]) => (
            <table key={kind} className="text-xs">
              <thead className="text-zinc-500">
                <tr>
                  <th className="pr-2 text-left">{kind}</th>
                  <th className="pr-2 text-right">F1</th>
                  <th className="pr-2 text-right">P</th>
                  <th className="pr-2 text-right">R</th>
                  <th className="pr-2 text-right">clips</th>
                </tr>
              </thead>
              <tbody>
                {labels.map((l) => {
                  const subset = `${kind}:${l}`;
                  return (
                    <tr key={l}>
                      <td className="pr-2">{l}</td>
                      {['f1', 'precision', 'recall'].map((m) => (
                        <td key={m} className="pr-2 text-right">
                          <Num runId={runId} rows={rows} benchmark="dream-1k" subset={subset} metric={m} sort={m} bucket={subset} />
                        </td>
                      ))}
                      <td className="pr-2 text-right tabular-nums">{countOf(rows, 'dream-1k', subset, 'clips') ?? 0}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ))}
        </div>
      </details>
    </div>
  );
}

function VdcSummary({ runId, rows }: { runId: string; rows: ResultRow[] }) {
  const sets = [...new Set(rows.filter((r) => r.benchmark === 'vdc').map((r) => r.subset))];
  return (
    <div className="flex flex-col gap-2">
      <table className="w-full text-left text-sm" data-testid="eval-summary-vdc">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-1 pr-3">QA set</th>
            <th className="py-1 pr-3 text-right">Accuracy</th>
            <th className="py-1 pr-3 text-right">Score (0–5)</th>
            <th className="py-1 pr-3 text-right">Clips</th>
            <th className="py-1 pr-3 text-right">Failed</th>
            <th className="py-1 pr-3 text-right" title="rese1f/aurora post_eval/process_vdc_result.py keeps a clip only when its accuracy and score are both non-zero">
              Official script: acc. / score
            </th>
          </tr>
        </thead>
        <tbody>
          {sets.map((s) => (
            <tr key={s} className="border-t border-zinc-100 dark:border-zinc-800">
              <td className="py-1 pr-3">{s}</td>
              <td className="py-1 pr-3 text-right"><Num runId={runId} rows={rows} benchmark="vdc" subset={s} metric="accuracy" sort="accuracy" /></td>
              <td className="py-1 pr-3 text-right"><Num runId={runId} rows={rows} benchmark="vdc" subset={s} metric="score" sort="score" /></td>
              <td className="py-1 pr-3 text-right tabular-nums">{countOf(rows, 'vdc', s, 'clips') ?? '—'}</td>
              <td className="py-1 pr-3 text-right tabular-nums">{countOf(rows, 'vdc', s, 'failedClips') ?? 0}</td>
              <td className="py-1 pr-3 text-right tabular-nums text-zinc-500" data-testid={`eval-vdc-official-${s}`}>
                {fmt('accuracy', rows.find((r) => r.benchmark === 'vdc' && r.subset === s && r.metric === 'official_script_accuracy')?.value)} /{' '}
                {fmt('score', rows.find((r) => r.benchmark === 'vdc' && r.subset === s && r.metric === 'official_script_score')?.value)}
                <span className="ml-1 text-xs">({rows.find((r) => r.benchmark === 'vdc' && r.subset === s && r.metric === 'official_script_accuracy')?.clips ?? 0} clips kept)</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-zinc-500">
        Accuracy in percent; every scored clip counts. The last column is what the official script would print: it drops clips whose accuracy or score is 0, which
        raises the number — shown for comparison with published results.
      </p>
    </div>
  );
}

function CarebenchSummary({ runId, rows }: { runId: string; rows: ResultRow[] }) {
  return (
    <table className="w-full text-left text-sm" data-testid="eval-summary-carebench">
      <thead className="text-xs uppercase text-zinc-500">
        <tr>
          <th className="py-1 pr-3" />
          <th className="py-1 pr-3 text-right">F1</th>
          <th className="py-1 pr-3 text-right">Precision</th>
          <th className="py-1 pr-3 text-right">Recall</th>
          <th className="py-1 pr-3 text-right">Clips</th>
          <th className="py-1 pr-3 text-right">Failed</th>
        </tr>
      </thead>
      <tbody>
        {(['action', 'object'] as const).map((k) => (
          <tr key={k} className="border-t border-zinc-100 dark:border-zinc-800">
            <td className="py-1 pr-3">{k}</td>
            {(['f1', 'precision', 'recall'] as const).map((m) => (
              <td key={m} className="py-1 pr-3 text-right">
                <Num runId={runId} rows={rows} benchmark="carebench" subset="overall" metric={`${k}_${m}`} sort={`${k}_f1`} />
              </td>
            ))}
            <td className="py-1 pr-3 text-right tabular-nums">{countOf(rows, 'carebench', 'overall', 'clips') ?? '—'}</td>
            <td className="py-1 pr-3 text-right tabular-nums">{countOf(rows, 'carebench', 'overall', 'failedClips') ?? 0}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function EvalProgressLine({ progress }: { progress: { clipsTotal: number; clipsDone: number; clipsFailed: number; callsMade: number; callsCached: number; callsLeft: number; etaSeconds: number | null; stage: string } }) {
  const p = progress;
  const pct = p.clipsTotal > 0 ? (100 * p.clipsDone) / p.clipsTotal : 0;
  return (
    <div className="flex flex-col gap-1 text-sm" data-testid="eval-progress" data-done={p.clipsDone} data-total={p.clipsTotal}>
      <div className="flex flex-wrap gap-x-4 gap-y-1 tabular-nums">
        <span>
          clips <b>{p.clipsDone}</b>/{p.clipsTotal} done
        </span>
        <span>{p.clipsFailed} failed</span>
        <span>
          judge calls {p.callsMade} made · {p.callsCached} from cache · ~{p.callsLeft} left
        </span>
        <span>ETA {p.etaSeconds === null ? '—' : `${Math.round(p.etaSeconds)} s`}</span>
        {p.stage && <span className="text-zinc-500">{p.stage}</span>}
      </div>
      <span className="block h-1.5 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
        <span className="block h-full bg-blue-500" style={{ width: `${pct}%` }} />
      </span>
    </div>
  );
}

export function EvalPage({ runId }: { runId: string }) {
  const q = api.eval.get.useQuery({ runId }, { refetchInterval: (s) => (s.state.data && TERMINAL.has(s.state.data.status) ? false : 2_000), retry: false });
  if (q.isLoading) return <p className="text-sm text-zinc-500">Loading evaluation…</p>;
  if (q.error || !q.data) return <p className="text-sm text-red-600">Could not load evaluation: {q.error?.message ?? 'not found'}</p>;
  const e = q.data;
  const rows = e.results as ResultRow[];
  const config = e.config as { benchmarks?: string[]; judge?: { kind: string; model?: string; baseUrl?: string; temperature?: number }; source?: { kind: string; model?: string } };
  const first = rows[0];
  // The compare link presets the first real benchmark in the paper's order, never the synthetic CAREBENCH sample when a real one is present.
  const compareWith = compareBenchmarkPreset(rows, e.config as EvalConfigAnnotations | null);
  const prov = (first?.provenance ?? null) as Provenance | null;
  const simulated = rows.some((r) => r.simulated) || (e.parentRun !== null && e.backend === 'local' && config.source?.kind === 'checkpoint');
  const lexical = (first?.judgeKind ?? config.judge?.kind) === 'lexical';
  return (
    <div className="flex flex-col gap-4" data-testid="eval-page" data-status={e.status}>
      <header className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold" data-testid="eval-name">
            {e.name}
          </h1>
          <StatusBadge status={e.status} />
          {simulated && (
            <Badge tone="warning" data-testid="eval-simulated">
              simulated captions — not a model
            </Badge>
          )}
          {lexical && (
            <Badge tone="warning" data-testid="eval-lexical">
              offline lexical judge — approximation
            </Badge>
          )}
          {compareWith && (
            <Link
              href={`/results/significance?benchmark=${compareWith.benchmark}&a=${compareWith.checkpointId ? `${e.id}:${compareWith.checkpointId}` : e.id}`}
              className="ml-auto rounded border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700"
              data-testid="eval-compare-significance"
            >
              Compare with another evaluation
            </Link>
          )}
          <Link href={`/runs/${e.id}`} className={`${compareWith ? '' : 'ml-auto '}rounded border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700`}>
            Run page
          </Link>
        </div>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-xs text-zinc-500">Captions</dt>
            <dd data-testid="eval-model">
              {first?.modelName ?? config.source?.model ?? (e.parentRun ? `checkpoint of ${e.parentRun.name}` : '—')}
              {prov?.captions && (
                <span className="ml-2 text-xs text-zinc-500">
                  {prov.captions.method}
                  {prov.captions.checkpoint?.step != null && `, step ${prov.captions.checkpoint.step}`}
                  {prov.captions.temperature != null && `, temperature ${prov.captions.temperature}`}
                  {prov.captions.frames?.maxFrames != null && `, ${prov.captions.frames.maxFrames} frames`}
                  {prov.captions.file && `, file ${prov.captions.file}`}
                </span>
              )}
            </dd>
            {e.parentRun && (
              <dd className="text-xs">
                evaluated run: <Link href={`/runs/${e.parentRun.id}`} className="text-blue-700 hover:underline dark:text-blue-400">{e.parentRun.name}</Link>
              </dd>
            )}
          </div>
          <div>
            <dt className="text-xs text-zinc-500">Judge</dt>
            <dd data-testid="eval-judge">
              {first ? `${first.judgeKind}: ${first.judgeModel}` : config.judge?.kind === 'openai' ? `openai: ${config.judge.model}` : 'lexical (offline)'}
              <span className="ml-2 text-xs text-zinc-500">
                {first?.judgeEndpoint ?? config.judge?.baseUrl ?? ''} temperature {first?.judgeTemperature ?? config.judge?.temperature ?? 0}
                {first?.promptVersion && ` · prompts ${first.promptVersion}`}
              </span>
            </dd>
          </div>
        </dl>
        {e.failureReason && <p className="text-sm text-red-600">{e.failureReason}</p>}
        {e.finishedNote && (
          <p className="text-sm text-amber-700 dark:text-amber-300" data-testid="eval-finished-note">
            {e.finishedNote}
          </p>
        )}
      </header>
      {e.evalProgress && !TERMINAL.has(e.status) && (
        <Card title="Progress">
          <EvalProgressLine progress={e.evalProgress} />
        </Card>
      )}
      {e.evalProgress && TERMINAL.has(e.status) && (
        <p className="text-xs text-zinc-500" data-testid="eval-final-progress">
          {e.evalProgress.clipsDone} clips, {e.evalProgress.clipsFailed} failed; judge calls {e.evalProgress.callsMade} made, {e.evalProgress.callsCached} served from the cache.
        </p>
      )}
      {(config.benchmarks ?? []).map((b) => (
        <Card
          key={b}
          title={b === 'dream-1k' ? 'DREAM-1K — event F1 (AutoDQ)' : b === 'vdc' ? 'VDC — VDCSCORE' : 'CAREBENCH — action / object F1'}
          actions={
            <Link href={clipsHref(e.id, { benchmark: b })} className="text-xs text-blue-700 hover:underline dark:text-blue-400" data-testid={`eval-clips-${b}`}>
              all clips ({e.sampleCounts.filter((c) => c.benchmark === b).reduce((a, c) => a + c.total, 0)})
            </Link>
          }
        >
          {rows.some((r) => r.benchmark === b) ? (
            b === 'dream-1k' ? (
              <Dream1kSummary runId={e.id} rows={rows} />
            ) : b === 'vdc' ? (
              <VdcSummary runId={e.id} rows={rows} />
            ) : (
              <CarebenchSummary runId={e.id} rows={rows} />
            )
          ) : (
            <p className="text-sm text-zinc-500">{TERMINAL.has(e.status) ? 'No results.' : 'Results appear when the evaluation finishes; clips are listed as they are scored.'}</p>
          )}
          {b === 'carebench' && <p className="mt-2 text-xs text-amber-700 dark:text-amber-400">The shipped CAREBENCH file is a synthetic 8-clip sample, not CAREBENCH data.</p>}
        </Card>
      ))}
    </div>
  );
}
