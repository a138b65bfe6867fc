'use client';

/**
 * /runs/new: LaunchForm (components/runs/LaunchForm.tsx) wired to run.launch. Server field errors
 * (`data.fieldErrors`, keys such as "name" or "config.grpo.numGenerations") go to the form, which
 * shows them on their field; on success we navigate to the new run. `?clone=<runId>` pre-fills the
 * form from that run (name + " (clone)", kind, backend, experiment, config).
 */
import { TRPCClientError } from '@trpc/client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { cloneHref, TRAINING_KINDS } from '../../core/run-kind-view';
import type { AppRouter } from '../../server/api/root';
import { api } from '../providers/trpc';
import { LaunchForm, type LaunchFormInitial, type LaunchFormValues } from './LaunchForm';

export function LaunchPage() {
  const router = useRouter();
  const cloneId = useSearchParams().get('clone');
  const clone = api.run.get.useQuery({ id: cloneId ?? '' }, { enabled: !!cloneId, retry: false, refetchOnMount: false, staleTime: Infinity });
  const launch = api.run.launch.useMutation();
  const datasets = api.system.datasets.useQuery(undefined, { staleTime: 60_000 });
  const known = datasets.data?.map((d) => ({ name: d.name, kind: d.kind, benchmarks: d.benchmarks, clips: d._count.clips })) ?? null;
  const [serverErrors, setServerErrors] = useState<Record<string, string> | undefined>(undefined);

  const onSubmit = async (values: LaunchFormValues) => {
    setServerErrors(undefined);
    try {
      const { id } = await launch.mutateAsync({
        name: values.name,
        kind: values.kind,
        backend: values.backend,
        config: values.config,
        experiment: values.experiment,
        parentRunId: cloneId && clone.data ? cloneId : undefined,
      });
      router.push(`/runs/${id}`);
    } catch (err) {
      const fieldErrors = err instanceof TRPCClientError ? (err as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fieldErrors && Object.keys(fieldErrors).length) {
        setServerErrors(fieldErrors);
        return;
      }
      throw err; // shown by the form as a form-level error
    }
  };

  let initial: LaunchFormInitial | undefined;
  if (cloneId) {
    if (clone.isLoading) return <p className="text-sm text-zinc-500">Loading run {cloneId} to clone…</p>;
    if (clone.data && !TRAINING_KINDS.has(clone.data.kind)) {
      // An evaluation / curation is cloned on its own launch form, not this GRPO / SFT one.
      const href = cloneHref(clone.data);
      return (
        <section className="flex max-w-4xl flex-col gap-2" data-testid="launch-page">
          <h1 className="text-xl font-semibold">Clone a run</h1>
          <p className="text-sm" data-testid="clone-other-kind">
            {clone.data.name} is a {clone.data.kind} run:{' '}
            {href ? (
              <Link className="underline" href={href} data-testid="clone-other-kind-link">
                clone it on its own launch form
              </Link>
            ) : (
              'it is launched from the captions’ compare view, not from a form'
            )}
            .
          </p>
        </section>
      );
    }
    if (clone.data) {
      const c = clone.data;
      initial = { name: `${c.name} (clone)`, kind: c.kind, backend: c.backend, experiment: c.experiment?.name ?? null, config: c.config };
    }
  }

  return (
    <section className="flex max-w-4xl flex-col gap-4" data-testid="launch-page">
      <h1 className="text-xl font-semibold">{cloneId ? 'Clone a run' : 'Launch a run'}</h1>
      {cloneId && clone.error && (
        <p className="text-sm text-red-600" data-testid="clone-error">
          Could not load run {cloneId} to clone: {clone.error.message}
        </p>
      )}
      <LaunchForm
        key={clone.data?.id ?? 'new'}
        initial={initial}
        onSubmit={onSubmit}
        serverErrors={serverErrors}
        submitting={launch.isPending}
        datasets={known}
      />
    </section>
  );
}
