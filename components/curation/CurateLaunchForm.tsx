'use client';

/**
 * Launch a curate run (paper Appendix C). Fields map onto core/curation/config.ts; errors (ours and
 * the server's, same keys) show on their field. Test ids: `curate-<field>`, `curate-error-<key>`,
 * `curate-submit`. `/curate?clone=<runId>` starts from that curate run's config.
 */
import { TRPCClientError } from '@trpc/client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AppRouter } from '../../server/api/root';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { buildCurateConfig, curateFormFromConfig, initialCurateForm, type CurateFormState } from './curate-form-model';

const input = 'w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900';

function Field({ label, hint, error, errorKey, children }: { label: string; hint?: string; error?: string; errorKey: string; children: ReactNode }) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span className="font-medium">{label}</span>
      {children}
      {hint && <span className="text-xs text-zinc-500">{hint}</span>}
      {error && (
        <span className="text-xs text-red-600" data-testid={`curate-error-${errorKey}`}>
          {error}
        </span>
      )}
    </label>
  );
}

/** The curate launch form; with `?clone=<runId>` it starts from that curate run's config. */
export function CurateLaunchForm() {
  const cloneId = useSearchParams().get('clone');
  const clone = api.run.get.useQuery({ id: cloneId ?? '' }, { enabled: !!cloneId, retry: false, refetchOnMount: false, staleTime: Infinity });
  if (!cloneId) return <CurateForm initial={null} />;
  if (clone.isLoading) return <p className="text-sm text-zinc-500">Loading run {cloneId} to clone…</p>;
  const c = clone.data;
  const initial = c && c.kind === 'curate' ? curateFormFromConfig(c.name, c.config) : null;
  const problem = clone.error
    ? `Could not load run ${cloneId} to clone: ${clone.error.message}`
    : !c
      ? `Run ${cloneId} not found`
      : c.kind !== 'curate'
        ? `Run ${c.name} is a ${c.kind} run, not a curation: clone it from its own page`
        : !initial
          ? `Run ${c.name}: its config is not a readable curation config`
          : null;
  return (
    <>
      {problem && (
        <p className="mb-2 text-sm text-red-600" data-testid="curate-clone-error">
          {problem}
        </p>
      )}
      <CurateForm key={c?.id ?? 'new'} initial={initial} />
    </>
  );
}

function CurateForm({ initial }: { initial: CurateFormState | null }) {
  const router = useRouter();
  const [s, setS] = useState<CurateFormState>(() => initial ?? initialCurateForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const datasets = api.dataset.list.useQuery({ kind: 'train' });
  const launch = api.curate.launch.useMutation();
  const set = <K extends keyof CurateFormState>(k: K, v: CurateFormState[K]) => setS((x) => ({ ...x, [k]: v }));
  const err = (k: string) => errors[k];
  const bind = (k: keyof CurateFormState) => ({ value: s[k], onChange: (e: { target: { value: string } }) => set(k, e.target.value as never), 'data-testid': `curate-${k}`, className: input });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const built = buildCurateConfig(s);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    try {
      const { id } = await launch.mutateAsync({ name: built.name, config: built.config });
      router.push(`/curate/${id}`);
    } catch (error) {
      const fieldErrors = error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fieldErrors && Object.keys(fieldErrors).length) setErrors(fieldErrors);
      else setFormError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <form onSubmit={onSubmit} className="grid grid-cols-1 gap-3 md:grid-cols-2" data-testid="curate-form" noValidate>
      <Field label="Run name" hint="Also the output dataset's name unless set below." error={err('name')} errorKey="name">
        <input {...bind('name')} placeholder="curated-1.5k" />
      </Field>
      <Field label="Source" errorKey="config.source" error={err('config.source')}>
        <select {...bind('sourceKind')}>
          <option value="folder">Folder of videos + captions JSONL (on the runner)</option>
          <option value="dataset">An imported training dataset</option>
        </select>
      </Field>
      {s.sourceKind === 'folder' ? (
        <>
          <Field label="Videos folder" hint="Path on the runner's machine; searched recursively." error={err('config.source.videoDir')} errorKey="config.source.videoDir">
            <input {...bind('videoDir')} placeholder="/data/tarsier2-recap/videos" />
          </Field>
          <Field label="Captions JSONL" hint='One {"video", "caption", "think"?} per line (Tarsier2-Recap layout).' error={err('config.source.captionsPath')} errorKey="config.source.captionsPath">
            <input {...bind('captionsPath')} placeholder="/data/tarsier2-recap/captions.jsonl" />
          </Field>
        </>
      ) : (
        <Field label="Dataset" error={err('config.source.dataset')} errorKey="config.source.dataset">
          <select {...bind('dataset')}>
            <option value="">— choose —</option>
            {(datasets.data ?? []).map((d) => (
              <option key={d.id} value={d.name}>
                {d.name} ({d.clipCount} clips)
              </option>
            ))}
          </select>
        </Field>
      )}
      <div className="grid grid-cols-2 gap-2">
        <Field label="Min duration (s)" error={err('config.duration.minSec')} errorKey="config.duration.minSec">
          <input {...bind('minSec')} inputMode="decimal" />
        </Field>
        <Field label="Max duration (s)" error={err('config.duration.maxSec')} errorKey="config.duration.maxSec">
          <input {...bind('maxSec')} inputMode="decimal" />
        </Field>
      </div>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Dynamicity rule" errorKey="config.dynamicity.rule">
          <select {...bind('rule')}>
            <option value="threshold">above a threshold</option>
            <option value="top-share">top share</option>
          </select>
        </Field>
        {s.rule === 'threshold' ? (
          <Field label="Threshold (% of width / s)" hint="Mean Farneback flow magnitude." error={err('config.dynamicity.threshold')} errorKey="config.dynamicity.threshold">
            <input {...bind('threshold')} inputMode="decimal" />
          </Field>
        ) : (
          <Field label="Top share (%)" error={err('config.dynamicity.topShare')} errorKey="config.dynamicity.topShare">
            <input {...bind('topSharePercent')} inputMode="decimal" />
          </Field>
        )}
      </div>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Frame pairs per clip" error={err('config.dynamicity.measure.pairs')} errorKey="config.dynamicity.measure.pairs">
          <input {...bind('pairs')} inputMode="numeric" />
        </Field>
        <Field label="Analysis width (px)" error={err('config.dynamicity.measure.analysisWidth')} errorKey="config.dynamicity.measure.analysisWidth">
          <input {...bind('analysisWidth')} inputMode="numeric" />
        </Field>
      </div>
      <div className="grid grid-cols-3 gap-2">
        <Field label="Filter walk order" errorKey="config.actionFilter.order">
          <select {...bind('order')}>
            <option value="dynamicity-desc">most dynamic first</option>
            <option value="input">input order</option>
            <option value="shuffle">seeded shuffle</option>
          </select>
        </Field>
        <Field label="Target size" error={err('config.actionFilter.targetSize')} errorKey="config.actionFilter.targetSize">
          <input {...bind('targetSize')} inputMode="numeric" />
        </Field>
        <Field label="Action type" errorKey="config.actionFilter.actionKey">
          <select {...bind('actionKey')}>
            <option value="verb">head verb (+ particle)</option>
            <option value="phrase">whole phrase</option>
          </select>
        </Field>
      </div>
      <Field label="Output dataset name (optional)" error={err('config.output.datasetName')} errorKey="config.output.datasetName">
        <input {...bind('datasetName')} placeholder="defaults to the run name" />
      </Field>
      <div className="flex items-center gap-3 md:col-span-2">
        <Button type="submit" variant="primary" loading={launch.isPending} data-testid="curate-submit">
          Launch curate run
        </Button>
        {formError && (
          <span className="text-sm text-red-600" data-testid="curate-error-form">
            {formError}
          </span>
        )}
        {Object.keys(errors).length > 0 && <span className="text-sm text-red-600">Fix the fields marked above.</span>}
      </div>
    </form>
  );
}
