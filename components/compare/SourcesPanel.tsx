'use client';

/**
 * Caption sources: import a captions file by drag and drop (or the file picker) — JSONL
 * `{id|vid, caption}` with a model name, or the multi-model DREAM-1K explorer format (one source per
 * model) — and register a checkpoint's evaluated captions or a benchmark's reference as a source.
 * Re-importing a model keeps the spans of unchanged captions and flags the spans of changed ones.
 */
import { useState, type DragEvent } from 'react';
import { referenceSkippedMessage } from '../../core/eval/predictions';
import { BENCHMARKS, type BenchmarkId } from '../../core/eval/types';
import { IfCan } from '../auth/SessionProvider';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';

export function SourcesPanel({ onChanged }: { onChanged?: () => void }) {
  const utils = api.useUtils();
  const [model, setModel] = useState('');
  const [benchmark, setBenchmark] = useState<BenchmarkId>('dream-1k');
  const [dragging, setDragging] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [checkpointId, setCheckpointId] = useState('');
  const checkpoints = api.captionSource.checkpoints.useQuery(undefined, { retry: false });
  const done = async (text: string) => {
    setMessage({ tone: 'ok', text });
    await utils.captionSource.invalidate();
    onChanged?.();
  };
  const onError = (e: { message: string }) => setMessage({ tone: 'error', text: e.message });
  const importMut = api.captionSource.import.useMutation({
    onSuccess: (r) =>
      done(
        `imported ${r.sources.length} source(s): ` +
          r.sources.map((s) => `${s.model} (${s.created} new, ${s.unchanged} unchanged, ${s.changed} changed${s.spansFlagged ? `, ${s.spansFlagged} span(s) flagged for review` : ''})`).join('; ') +
          (r.skippedModels.length ? `; ${referenceSkippedMessage(r.skippedModels)}` : '') +
          (r.report.malformed.count ? `; ${r.report.malformed.count} malformed record(s), first: ${r.report.malformed.first[0]?.where}: ${r.report.malformed.first[0]?.error}` : '') +
          (r.report.sources.some((s) => s.unknownIds.count) ? `; unknown clip ids: ${r.report.sources.map((s) => s.unknownIds.ids.join(', ')).filter(Boolean).join(', ')}` : ''),
      ),
    onError,
  });
  const refMut = api.captionSource.registerReference.useMutation({ onSuccess: (r) => done(`registered ${r.name}: ${r.created} new, ${r.unchanged} unchanged, ${r.changed} changed`), onError });
  const ckMut = api.captionSource.registerCheckpoint.useMutation({ onSuccess: (r) => done(`registered ${r.name}: ${r.created} new, ${r.unchanged} unchanged, ${r.changed} changed`), onError });

  async function importFile(file: File) {
    setMessage(null);
    if (file.size > 20_000_000) return setMessage({ tone: 'error', text: `${file.name} is larger than 20 MB` });
    importMut.mutate({ text: await file.text(), fileName: file.name, benchmark, model: model.trim() || null });
  }
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void importFile(f);
  };

  return (
    <IfCan capability="research" fallback={<p className="text-xs text-zinc-500">Importing caption sources needs the researcher role.</p>}>
      <div className="flex flex-col gap-3 text-sm" data-testid="sources-panel">
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col gap-1 text-xs">
            Model name (single-model files)
            <input value={model} onChange={(e) => setModel(e.target.value)} placeholder="e.g. GPT-4o" className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="import-model" />
          </label>
          <label className="flex flex-col gap-1 text-xs">
            Benchmark
            <select value={benchmark} onChange={(e) => setBenchmark(e.target.value as BenchmarkId)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
              {BENCHMARKS.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </select>
          </label>
          <Button size="sm" onClick={() => refMut.mutate({ benchmark })} loading={refMut.isPending}>
            Add {benchmark} reference as a source
          </Button>
        </div>
        <div
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={`rounded border-2 border-dashed p-4 text-center text-xs ${dragging ? 'border-blue-500 bg-blue-50 dark:bg-blue-950' : 'border-zinc-300 dark:border-zinc-700'}`}
          data-testid="import-dropzone"
        >
          Drop a captions file here (JSONL {'{"id"|"vid", "caption"}'} with the model name above, or the multi-model explorer format) or{' '}
          <label className="cursor-pointer text-blue-700 underline dark:text-blue-400">
            choose one
            <input
              type="file"
              accept=".jsonl,.json,.txt"
              className="sr-only"
              data-testid="import-file"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importFile(f);
                e.target.value = '';
              }}
            />
          </label>
          {importMut.isPending && <span className="ml-2">importing…</span>}
        </div>
        {checkpoints.data && checkpoints.data.length > 0 && (
          <div className="flex flex-wrap items-center gap-2">
            <select value={checkpointId} onChange={(e) => setCheckpointId(e.target.value)} className="h-8 rounded border border-zinc-300 px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900" data-testid="checkpoint-select">
              <option value="">a checkpoint's evaluated captions…</option>
              {checkpoints.data.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.runName} @ step {c.step} ({c.samples} samples)
                </option>
              ))}
            </select>
            <Button size="sm" disabled={!checkpointId} loading={ckMut.isPending} onClick={() => ckMut.mutate({ checkpointId })}>
              Add as a source
            </Button>
          </div>
        )}
        {message && (
          <p className={message.tone === 'error' ? 'text-red-600' : 'text-emerald-700 dark:text-emerald-400'} data-testid="import-message" role="status">
            {message.text}
          </p>
        )}
      </div>
    </IfCan>
  );
}
