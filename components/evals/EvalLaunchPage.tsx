'use client';

/**
 * /evals/new: launch an evaluation run (kind "eval"). Benchmarks, a judge (the offline lexical judge or an
 * OpenAI-compatible endpoint + model + temperature) and a model source: a checkpoint of one of our runs,
 * or an uploaded predictions file (drag and drop; parsed on the server with a report of unknown,
 * duplicate, missing, empty and "<error>" captions). Server field errors show on their field.
 * `?run=<id>` preselects a run's latest checkpoint; `?clone=<evalRunId>` pre-fills every field from that
 * evaluation (its uploaded captions are reused, no new upload).
 */
import { TRPCClientError } from '@trpc/client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState, type DragEvent, type FormEvent } from 'react';
import type { AppRouter } from '../../server/api/root';
import { referenceSkippedMessage } from '../../core/eval/predictions';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { cn } from '../ui/cn';
import { evalFormFromConfig, type EvalFormInitial } from './eval-form-model';

type Benchmark = 'dream-1k' | 'vdc' | 'carebench';
type QaSet = 'detailed' | 'main_object';

const BENCHMARK_LABELS: Record<Benchmark, string> = {
  'dream-1k': 'DREAM-1K — AutoDQ event F1 (1,000 clips)',
  vdc: 'VDC — VDCSCORE accuracy / score',
  carebench: 'CAREBENCH — action / object F1 (synthetic 8-clip sample shipped here; real annotations via the CLI)',
};

const inputClass = (error: boolean) =>
  cn('rounded-md border bg-white px-2 py-1.5 dark:bg-zinc-900', error ? 'border-red-500' : 'border-zinc-300 dark:border-zinc-700');

interface UploadResult {
  sources: { id: string; name: string; model: string; captions: number }[];
  /** The benchmark's reference entries of a multi-model file ("Human"), not offered as a model. */
  skippedModels?: string[];
  report: {
    format: string;
    records: number;
    malformed: { count: number; first: { where: string; error: string }[] };
    sources: {
      model: string | null;
      evaluated: number;
      unknownIds: { count: number; ids: string[] };
      duplicates: { count: number; ids: string[] };
      missing: { count: number; ids: string[] };
      emptyCaptions: { count: number; ids: string[] };
      errorCaptions: { count: number; ids: string[] };
    }[];
  };
}

function FieldError({ message, id }: { message?: string; id: string }) {
  if (!message) return null;
  return (
    <p className="text-xs text-red-600" data-testid={`eval-error-${id}`}>
      {message}
    </p>
  );
}

/** /evals/new, or a clone of an evaluation (`?clone=<runId>`: the form starts from its config). */
export function EvalLaunchPage() {
  const cloneId = useSearchParams().get('clone');
  const clone = api.run.get.useQuery({ id: cloneId ?? '' }, { enabled: !!cloneId, retry: false, refetchOnMount: false, staleTime: Infinity });
  if (!cloneId) return <EvalLaunchForm initial={null} />;
  if (clone.isLoading) return <p className="text-sm text-zinc-500">Loading run {cloneId} to clone…</p>;
  const c = clone.data;
  const initial = c && c.kind === 'eval' ? evalFormFromConfig(c.name, c.config) : null;
  const problem = clone.error
    ? `Could not load run ${cloneId} to clone: ${clone.error.message}`
    : !c
      ? `Run ${cloneId} not found`
      : c.kind !== 'eval'
        ? `Run ${c.name} is a ${c.kind} run, not an evaluation: clone it from its own page`
        : !initial
          ? `Run ${c.name}: its config is not a readable evaluation config`
          : null;
  return (
    <>
      {problem && (
        <p className="text-sm text-red-600" data-testid="eval-clone-error">
          {problem}
        </p>
      )}
      <EvalLaunchForm key={c?.id ?? 'new'} initial={initial} />
    </>
  );
}

function EvalLaunchForm({ initial }: { initial: EvalFormInitial | null }) {
  const router = useRouter();
  const presetRun = useSearchParams().get('run');
  const options = api.eval.sourceOptions.useQuery();
  const upload = api.eval.uploadPredictions.useMutation();
  const launch = api.eval.launch.useMutation();

  const [name, setName] = useState(initial?.name ?? '');
  const [benchmarks, setBenchmarks] = useState<Benchmark[]>(initial?.benchmarks ?? ['dream-1k']);
  const [qaSets, setQaSets] = useState<QaSet[]>(initial?.qaSets ?? ['detailed']);
  const [judgeKind, setJudgeKind] = useState<'lexical' | 'openai'>(initial?.judgeKind ?? 'lexical');
  const [baseUrl, setBaseUrl] = useState(initial?.baseUrl ?? '');
  const [judgeModel, setJudgeModel] = useState(initial?.judgeModel ?? 'Qwen/Qwen2.5-72B-Instruct');
  const [temperature, setTemperature] = useState(initial?.temperature ?? '0');
  const [sourceKind, setSourceKind] = useState<'checkpoint' | 'imported'>(initial?.sourceKind ?? (presetRun ? 'checkpoint' : 'imported'));
  const [runId, setRunId] = useState(initial?.runId || (presetRun ?? ''));
  const [checkpointId, setCheckpointId] = useState(initial?.checkpointId ?? '');
  const [uploaded, setUploaded] = useState<UploadResult | null>(null);
  // The cloned evaluation's uploaded captions (reused until another file is dropped).
  const [cloned, setCloned] = useState(initial?.imported ?? null);
  const [uploadedFor, setUploadedFor] = useState<Benchmark | null>(initial?.imported && initial.benchmarks.length === 1 ? initial.benchmarks[0]! : null);
  const [fileName, setFileName] = useState<string | null>(initial?.imported?.fileName ?? null);
  const [sourceId, setSourceId] = useState(initial?.imported?.captionSourceId ?? '');
  const [genPrompt, setGenPrompt] = useState(initial?.genPrompt ?? '');
  const [genFrames, setGenFrames] = useState(initial?.genFrames ?? '');
  const [genTemperature, setGenTemperature] = useState(initial?.genTemperature ?? '');
  const [concurrency, setConcurrency] = useState(initial?.concurrency ?? '16');
  const [maxClips, setMaxClips] = useState(initial?.maxClips ?? '0');
  const [dragging, setDragging] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const runs = options.data?.runs ?? [];
  const selectedRun = runs.find((r) => r.id === runId) ?? null;
  const checkpoints = useMemo(() => selectedRun?.checkpoints ?? [], [selectedRun]);
  const effectiveCheckpoint = checkpointId || checkpoints[0]?.id || '';
  const singleBenchmark = benchmarks.length === 1 ? benchmarks[0] : null;

  const toggleBenchmark = (b: Benchmark) => setBenchmarks((bs) => (bs.includes(b) ? bs.filter((x) => x !== b) : [...bs, b]));
  const toggleQa = (q: QaSet) => setQaSets((qs) => (qs.includes(q) ? qs.filter((x) => x !== q) : [...qs, q]));

  const readFile = async (file: File) => {
    setErrors((e) => ({ ...e, file: '' }));
    setUploaded(null);
    setCloned(null);
    setSourceId('');
    if (!singleBenchmark) {
      setErrors((e) => ({ ...e, file: 'an uploaded predictions file belongs to one benchmark: select exactly one above' }));
      return;
    }
    setFileName(file.name);
    try {
      const text = await file.text();
      const r = (await upload.mutateAsync({ benchmark: singleBenchmark, fileName: file.name, text })) as UploadResult;
      setUploaded(r);
      setUploadedFor(singleBenchmark);
      setSourceId(r.sources[0]?.id ?? '');
    } catch (err) {
      setErrors((e) => ({ ...e, file: err instanceof Error ? err.message : String(err) }));
    }
  };

  const onDrop = (e: DragEvent<HTMLLabelElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void readFile(file);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'name is required';
    if (benchmarks.length === 0) errs['config.benchmarks'] = 'choose at least one benchmark';
    if (benchmarks.includes('vdc') && qaSets.length === 0) errs['config.vdcQaSets'] = 'choose a VDC question set';
    const num = (v: string) => (v.trim() === '' ? null : Number(v));
    if (judgeKind === 'openai' && !baseUrl.trim()) errs['config.judge.baseUrl'] = 'the judge endpoint is required (e.g. http://127.0.0.1:8000/v1)';
    if (sourceKind === 'checkpoint' && !effectiveCheckpoint) errs['config.source.checkpointId'] = 'choose a run with a checkpoint';
    if (sourceKind === 'imported') {
      if (!sourceId) errs.file = 'upload a predictions file first';
      else if (uploadedFor && (benchmarks.length !== 1 || benchmarks[0] !== uploadedFor)) errs.file = `the uploaded file was read as ${uploadedFor} predictions: evaluate ${uploadedFor} only, or upload again`;
    }
    setErrors(errs);
    if (Object.values(errs).some(Boolean)) return;
    const chosen = uploaded?.sources.find((s) => s.id === sourceId);
    const config = {
      benchmarks,
      vdcQaSets: qaSets,
      judge: judgeKind === 'lexical' ? { kind: 'lexical' } : { kind: 'openai', baseUrl: baseUrl.trim(), model: judgeModel.trim(), temperature: Number(temperature) },
      source:
        sourceKind === 'checkpoint'
          ? { kind: 'checkpoint', runId, checkpointId: effectiveCheckpoint }
          : {
              kind: 'imported',
              captionSourceId: sourceId,
              model: chosen?.model ?? cloned?.model ?? fileName ?? 'predictions',
              fileName,
              format: uploaded?.report.format ?? cloned?.format ?? null,
              generation: { prompt: genPrompt.trim() || null, maxFrames: num(genFrames), temperature: num(genTemperature), notes: null },
            },
      concurrency: Number(concurrency),
      maxClips: Number(maxClips),
    };
    try {
      const { id } = await launch.mutateAsync({ name: name.trim(), config });
      router.push(`/evals/${id}`);
    } catch (err) {
      const fieldErrors = err instanceof TRPCClientError ? (err as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fieldErrors && Object.keys(fieldErrors).length) setErrors(fieldErrors);
      else setFormError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section className="flex max-w-4xl flex-col gap-4" data-testid="eval-launch-page">
      <h1 className="text-xl font-semibold">{initial ? 'Clone an evaluation' : 'Evaluate a model'}</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Scores captions with the official metric of each benchmark (Tarsier&apos;s AutoDQ, AuroraCap&apos;s VDCSCORE, CaReBench&apos;s action/object F1). Every
        number names its judge; numbers from different judges are not comparable.
      </p>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4 text-sm" data-testid="eval-launch-form">
        <Card title="Evaluation">
          <div className="flex flex-col gap-3">
            <label className="flex flex-col gap-1">
              <span className="text-xs text-zinc-500">Name</span>
              <input className={inputClass(!!errors.name)} value={name} onChange={(e) => setName(e.target.value)} data-testid="eval-name" />
              <FieldError id="name" message={errors.name} />
            </label>
            <fieldset className="flex flex-col gap-1" data-testid="eval-benchmarks">
              <legend className="text-xs text-zinc-500">Benchmarks</legend>
              {(Object.keys(BENCHMARK_LABELS) as Benchmark[]).map((b) => (
                <label key={b} className="inline-flex items-center gap-2">
                  <input type="checkbox" checked={benchmarks.includes(b)} onChange={() => toggleBenchmark(b)} data-testid={`eval-benchmark-${b}`} />
                  {BENCHMARK_LABELS[b]}
                </label>
              ))}
              {benchmarks.includes('vdc') && (
                <div className="ml-6 flex gap-4 text-xs">
                  {(['detailed', 'main_object'] as QaSet[]).map((q) => (
                    <label key={q} className="inline-flex items-center gap-1">
                      <input type="checkbox" checked={qaSets.includes(q)} onChange={() => toggleQa(q)} data-testid={`eval-vdc-${q}`} />
                      {q} QA set{q === 'detailed' ? ' (the paper reports this one)' : ''}
                    </label>
                  ))}
                </div>
              )}
              <FieldError id="benchmarks" message={errors['config.benchmarks'] || errors['config.vdcQaSets']} />
            </fieldset>
          </div>
        </Card>

        <Card title="Judge">
          <div className="flex flex-col gap-2">
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="judge" checked={judgeKind === 'lexical'} onChange={() => setJudgeKind('lexical')} data-testid="eval-judge-lexical" />
              Offline lexical judge — an approximation for trying the pipeline, not comparable with published numbers
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="judge" checked={judgeKind === 'openai'} onChange={() => setJudgeKind('openai')} data-testid="eval-judge-openai" />
              OpenAI-compatible endpoint (vLLM, SGLang, OpenAI; runners send their JUDGE_API_KEY)
            </label>
            {judgeKind === 'openai' && (
              <div className="ml-6 grid grid-cols-1 gap-2 sm:grid-cols-3">
                <label className="flex flex-col gap-1 sm:col-span-3">
                  <span className="text-xs text-zinc-500">Base URL</span>
                  <input className={inputClass(!!errors['config.judge.baseUrl'])} value={baseUrl} placeholder="http://127.0.0.1:8000/v1" onChange={(e) => setBaseUrl(e.target.value)} data-testid="eval-judge-url" />
                  <FieldError id="judge-url" message={errors['config.judge.baseUrl']} />
                </label>
                <label className="flex flex-col gap-1 sm:col-span-2">
                  <span className="text-xs text-zinc-500">Model</span>
                  <input className={inputClass(!!errors['config.judge.model'])} value={judgeModel} onChange={(e) => setJudgeModel(e.target.value)} data-testid="eval-judge-model" />
                  <FieldError id="judge-model" message={errors['config.judge.model']} />
                </label>
                <label className="flex flex-col gap-1">
                  <span className="text-xs text-zinc-500">Temperature</span>
                  <input className={inputClass(!!errors['config.judge.temperature'])} value={temperature} inputMode="decimal" onChange={(e) => setTemperature(e.target.value)} data-testid="eval-judge-temperature" />
                  <FieldError id="judge-temperature" message={errors['config.judge.temperature']} />
                </label>
              </div>
            )}
          </div>
        </Card>

        <Card title="Captions to evaluate">
          <div className="flex flex-col gap-3">
            <div className="flex gap-4">
              <label className="inline-flex items-center gap-2">
                <input type="radio" name="source" checked={sourceKind === 'imported'} onChange={() => setSourceKind('imported')} data-testid="eval-source-imported" />
                Upload a predictions file
              </label>
              <label className="inline-flex items-center gap-2">
                <input type="radio" name="source" checked={sourceKind === 'checkpoint'} onChange={() => setSourceKind('checkpoint')} data-testid="eval-source-checkpoint" />
                A checkpoint of one of our runs
              </label>
            </div>
            {sourceKind === 'checkpoint' ? (
              <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
                <label className="flex flex-col gap-1">
                  <span className="text-xs text-zinc-500">Run</span>
                  <select className={inputClass(!!errors['config.source.checkpointId'])} value={runId} onChange={(e) => { setRunId(e.target.value); setCheckpointId(''); }} data-testid="eval-run">
                    <option value="">— choose a run —</option>
                    {runs.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name} ({r.kind}, {r.backend}, {r.status})
                      </option>
                    ))}
                  </select>
                </label>
                <label className="flex flex-col gap-1">
                  <span className="text-xs text-zinc-500">Checkpoint</span>
                  <select className={inputClass(false)} value={effectiveCheckpoint} onChange={(e) => setCheckpointId(e.target.value)} data-testid="eval-checkpoint">
                    {checkpoints.map((c) => (
                      <option key={c.id} value={c.id}>
                        step {c.step}
                      </option>
                    ))}
                  </select>
                </label>
                <FieldError id="checkpoint" message={errors['config.source.checkpointId'] || errors['config.source.runId']} />
                {selectedRun?.backend === 'local' && (
                  <p className="text-xs text-amber-700 sm:col-span-2 dark:text-amber-400" data-testid="eval-simulated-warning">
                    Local checkpoints have no video model: their captions are simulated from each clip&apos;s own annotations. The results are labelled simulated and
                    never ranked as a model.
                  </p>
                )}
                {selectedRun?.backend === 'swift' && <p className="text-xs text-zinc-500 sm:col-span-2">Captions are generated with `swift infer` (vLLM) on a GPU runner.</p>}
              </div>
            ) : (
              <div className="flex flex-col gap-2">
                <label
                  className={cn('flex cursor-pointer flex-col items-center gap-1 rounded-md border-2 border-dashed p-6 text-center', dragging ? 'border-blue-500 bg-blue-50 dark:bg-blue-950/30' : 'border-zinc-300 dark:border-zinc-700')}
                  onDragOver={(e) => {
                    e.preventDefault();
                    setDragging(true);
                  }}
                  onDragLeave={() => setDragging(false)}
                  onDrop={onDrop}
                  data-testid="eval-dropzone"
                >
                  <span className="font-medium">{upload.isPending ? 'Reading…' : fileName ? `${fileName}` : 'Drop a predictions file here, or click to choose one'}</span>
                  <span className="text-xs text-zinc-500">
                    JSONL {'{"id" | "vid" | "video_id", "caption"}'}, the multi-model layout {'{"idx", "descriptions": {model: caption}}'}, or an lmms-eval samples file
                  </span>
                  <input type="file" accept=".jsonl,.json,.txt" className="sr-only" onChange={(e) => e.target.files?.[0] && void readFile(e.target.files[0])} data-testid="eval-file" />
                </label>
                <FieldError id="file" message={errors.file} />
                {cloned && !uploaded && (
                  <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="eval-cloned-source">
                    Evaluates the captions of {cloned.model}
                    {cloned.fileName ? ` (${cloned.fileName})` : ''} uploaded for the cloned run; drop another file to replace them.
                  </p>
                )}
                {uploaded && (
                  <div className="flex flex-col gap-2" data-testid="eval-upload-report">
                    <p className="text-xs text-zinc-600 dark:text-zinc-400">
                      {uploaded.report.records} records ({uploaded.report.format})
                      {uploaded.report.malformed.count > 0 && `, ${uploaded.report.malformed.count} malformed (e.g. ${uploaded.report.malformed.first[0]?.where}: ${uploaded.report.malformed.first[0]?.error})`}
                    </p>
                    {(uploaded.skippedModels?.length ?? 0) > 0 && (
                      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="eval-upload-skipped">
                        {referenceSkippedMessage(uploaded.skippedModels ?? [])}
                      </p>
                    )}
                    {uploaded.sources.length > 1 && (
                      <label className="flex flex-col gap-1">
                        <span className="text-xs text-zinc-500">Model in the file</span>
                        <select className={inputClass(false)} value={sourceId} onChange={(e) => setSourceId(e.target.value)} data-testid="eval-model">
                          {uploaded.sources.map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.model} ({s.captions} captions)
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                    <table className="text-xs">
                      <thead className="text-zinc-500">
                        <tr>
                          <th className="pr-3 text-left">model</th>
                          <th className="pr-3 text-right">evaluated</th>
                          <th className="pr-3 text-right">missing</th>
                          <th className="pr-3 text-right">unknown ids</th>
                          <th className="pr-3 text-right">duplicates</th>
                          <th className="pr-3 text-right">empty</th>
                          <th className="pr-3 text-right">&lt;error&gt;</th>
                        </tr>
                      </thead>
                      <tbody>
                        {uploaded.report.sources.map((s) => (
                          <tr key={s.model ?? 'file'} data-testid="eval-upload-row">
                            <td className="pr-3">{s.model ?? fileName}</td>
                            <td className="pr-3 text-right tabular-nums">{s.evaluated}</td>
                            <td className="pr-3 text-right tabular-nums" title={s.missing.ids.slice(0, 50).join(', ')}>{s.missing.count}</td>
                            <td className="pr-3 text-right tabular-nums" title={s.unknownIds.ids.join(', ')}>{s.unknownIds.count}</td>
                            <td className="pr-3 text-right tabular-nums" title={s.duplicates.ids.join(', ')}>{s.duplicates.count}</td>
                            <td className="pr-3 text-right tabular-nums" title={s.emptyCaptions.ids.join(', ')}>{s.emptyCaptions.count}</td>
                            <td className="pr-3 text-right tabular-nums" title={s.errorCaptions.ids.join(', ')}>{s.errorCaptions.count}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
                <details className="text-xs">
                  <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">How were these captions generated? (recorded with the results)</summary>
                  <div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-3">
                    <label className="flex flex-col gap-1 sm:col-span-3">
                      <span className="text-zinc-500">Generation prompt</span>
                      <textarea className={inputClass(false)} rows={2} value={genPrompt} onChange={(e) => setGenPrompt(e.target.value)} data-testid="eval-gen-prompt" />
                    </label>
                    <label className="flex flex-col gap-1">
                      <span className="text-zinc-500">Frames</span>
                      <input className={inputClass(!!errors['config.source.generation.maxFrames'])} value={genFrames} inputMode="numeric" onChange={(e) => setGenFrames(e.target.value)} />
                    </label>
                    <label className="flex flex-col gap-1">
                      <span className="text-zinc-500">Temperature</span>
                      <input className={inputClass(!!errors['config.source.generation.temperature'])} value={genTemperature} inputMode="decimal" onChange={(e) => setGenTemperature(e.target.value)} />
                    </label>
                  </div>
                </details>
              </div>
            )}
          </div>
        </Card>

        <Card title="Execution">
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <label className="flex flex-col gap-1">
              <span className="text-xs text-zinc-500">Judge requests in flight</span>
              <input className={inputClass(!!errors['config.concurrency'])} value={concurrency} inputMode="numeric" onChange={(e) => setConcurrency(e.target.value)} data-testid="eval-concurrency" />
              <FieldError id="concurrency" message={errors['config.concurrency']} />
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-zinc-500">First N clips only (0 = all)</span>
              <input className={inputClass(!!errors['config.maxClips'])} value={maxClips} inputMode="numeric" onChange={(e) => setMaxClips(e.target.value)} data-testid="eval-max-clips" />
              <FieldError id="max-clips" message={errors['config.maxClips']} />
            </label>
          </div>
        </Card>

        {formError && (
          <p className="text-sm text-red-600" data-testid="eval-form-error">
            {formError}
          </p>
        )}
        {Object.entries(errors).filter(([k, v]) => v && !['name', 'file'].includes(k) && !k.startsWith('config.judge') && !k.startsWith('config.source') && !k.startsWith('config.benchmarks') && k !== 'config.vdcQaSets' && k !== 'config.concurrency' && k !== 'config.maxClips').map(([k, v]) => (
          <p key={k} className="text-sm text-red-600">
            {k}: {v}
          </p>
        ))}
        <div>
          <Button type="submit" variant="primary" loading={launch.isPending} data-testid="eval-submit">
            Launch evaluation
          </Button>
        </div>
      </form>
    </section>
  );
}
