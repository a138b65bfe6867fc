'use client';

import Link from 'next/link';
import { useState } from 'react';
import { cloneHref, describeRunKind, trainingBackendLabel } from '../../core/run-kind-view';
import type { RunAttention } from '../../core/runner-status';
import { readScorer, type ScorerIdentity } from '../../core/scorer';
import { IfCan } from '../auth/SessionProvider';
import { LexicalBadge } from '../charts/ApproximationBadge';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { RunAttentionNote, TestSetMark } from './RunAttention';
import { StatusBadge } from './StatusBadge';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** A training run's backend, e.g. "local (CPU simulation — not a video model)" (other kinds: describeRunKind). */
export function backendLabel(backend: string): string {
  return trainingBackendLabel(backend);
}

export interface RunHeaderData {
  id: string;
  name: string;
  kind: string;
  backend: string;
  status: string;
  runnerId: string | null;
  lastStep: number;
  maxSteps: number;
  failureReason: string | null;
  experiment: { id: string; name: string } | null;
  parentRun: { id: string; name: string } | null;
  /** Run.scorer (core/scorer.ts), as stored. */
  scorer?: unknown;
  /** The stored run config (local runs: whether this is the perception-free control). */
  config?: unknown;
  /** Who launched or imported it (null: open mode, a runner, or before accounts). */
  createdBy?: { id: string; name: string; username: string | null; displayUsername?: string | null } | null;
  /** Benchmarks whose test data this run trains on (its dataset is an evaluation benchmark). */
  trainedOnBenchmarks: string[];
  /** Why the run is not moving (no runner for its queue, runner lost), or null. */
  attention: RunAttention | null;
}

function scorerDetails(s: ScorerIdentity): string {
  const lines = [
    s.embedder ? `embedder: ${s.embedder.model} (${s.embedder.id})` : 'embedder: none (no Tscore)',
    s.judge ? `judge: ${s.judge.model} (${s.judge.id}), prompts ${s.judge.promptVersion || '—'}` : 'judge: none (no Escore / CNscore)',
  ];
  if (s.simThreshold !== null) lines.push(`Tscore δ = ${s.simThreshold}`);
  if (s.escoreThresholds !== null) lines.push(`Escore δ1, δ2 = ${s.escoreThresholds[0]}, ${s.escoreThresholds[1]}`);
  return lines.join('\n');
}

/** How the run's rewards were produced, with a visible mark when any part is an approximation. */
export function ScorerLine({ scorer }: { scorer: unknown }) {
  const read = readScorer(scorer);
  if (!read.ok) return <span className="text-zinc-500" data-testid="run-scorer-label">unreadable scorer record ({read.error})</span>;
  const s = read.scorer;
  if (s === null) return <span className="text-zinc-500" data-testid="run-scorer-label">not recorded</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-2" title={scorerDetails(s)}>
      <span data-testid="run-scorer-label">{s.label}</span>
      {s.approximate && (
        <span
          className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
          data-testid="run-scorer-approximate"
          title="Scored with offline approximations (lexical embedder / judge) or from the local simulation: not comparable with the paper's BGE-M3 / Qwen2.5-72B scores."
        >
          approximation
        </span>
      )}
      {s.simThreshold !== null && <span className="text-xs text-zinc-500">δ {s.simThreshold}</span>}
      {s.escoreThresholds !== null && (
        <span className="text-xs text-zinc-500">
          Escore δ1/δ2 {s.escoreThresholds[0]}/{s.escoreThresholds[1]}
        </span>
      )}
    </span>
  );
}

function isPerceptionFree(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return false;
  const local = (config as { local?: unknown }).local;
  return typeof local === 'object' && local !== null && (local as { perceptionFree?: unknown }).perceptionFree === true;
}

/** What a local run's curves mean (README "What the local backend's curves mean"). */
function LocalCurvesNotice({ perceptionFree }: { perceptionFree: boolean }) {
  return (
    <p className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-900/20 dark:text-amber-100" data-testid="local-simulation-notice">
      {perceptionFree ? (
        <>
          <strong>Perception-free control.</strong> True elements and distractors have the same simulated evidence here, so nothing in
          these curves is perception: what rises comes from listing more elements, fixing the format and dropping filler.
        </>
      ) : (
        <>
          <strong>Simulation, not video understanding.</strong> A small CPU policy picks subjects, attributes and actions from a
          simulated perception pool (the clip&apos;s annotation plus distractors). Part of the rise is not perception: with the
          evidence removed, reward and think score still rise by listing more elements and fixing the format. Launch the same
          config with <code>local.perceptionFree: true</code> to see how much.
        </>
      )}
    </p>
  );
}

export function RunHeader({ run }: { run: RunHeaderData }) {
  const utils = api.useUtils();
  const cancel = api.run.cancel.useMutation({ onSettled: () => utils.run.get.invalidate({ id: run.id }) });
  // Cancelling stops the training process: ask once before doing it.
  const [confirming, setConfirming] = useState(false);
  const terminal = TERMINAL.has(run.status);
  const pct = run.maxSteps > 0 ? Math.min(100, (100 * run.lastStep) / run.maxSteps) : 0;
  // Described by its kind: only a local GRPO / SFT run is the CPU simulation (core/run-kind-view.ts).
  const view = describeRunKind(run);
  const clone = cloneHref(run);
  return (
    <header className="flex flex-col gap-2" data-testid="run-header">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold" data-testid="run-name">
          {run.name}
        </h1>
        <StatusBadge status={run.status} />
        <TestSetMark benchmarks={run.trainedOnBenchmarks} />
        <div className="ml-auto flex items-center gap-2">
          {view.page && (
            <Link href={view.page.href} className="rounded border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700" data-testid="run-kind-page-link">
              Open {view.page.label}
            </Link>
          )}
          {view.showsScorer && (
            <Link href={`/runs/${run.id}/rollouts`} className="rounded border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700" data-testid="rollouts-link">
              Rollouts
            </Link>
          )}
          <IfCan capability="research">
            {clone && (
              <Link href={clone} className="rounded border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700" data-testid="clone-run">
                Clone run
              </Link>
            )}
            {!terminal && !confirming && (
              <Button variant="danger" loading={cancel.isPending} onClick={() => setConfirming(true)} data-testid="cancel-run">
                Cancel
              </Button>
            )}
            {!terminal && confirming && (
              <span role="alertdialog" aria-label="Confirm cancel" className="flex items-center gap-2 rounded-md border border-red-300 px-2 py-1 text-sm dark:border-red-800" data-testid="cancel-confirm">
                {run.status === 'queued' ? 'Remove this run from the queue?' : `Stop this ${run.status} run? Its process is stopped.`}
                <Button
                  size="sm"
                  variant="danger"
                  loading={cancel.isPending}
                  onClick={() => {
                    cancel.mutate({ id: run.id });
                    setConfirming(false);
                  }}
                  data-testid="confirm-cancel"
                >
                  Cancel run
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirming(false)} data-testid="keep-running" autoFocus>
                  Keep it
                </Button>
              </span>
            )}
          </IfCan>
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <div>
          <dt className="text-xs text-zinc-500">Kind</dt>
          <dd data-testid="run-kind">{run.kind}</dd>
        </div>
        <div className="col-span-2">
          <dt className="text-xs text-zinc-500">Backend</dt>
          <dd data-testid="run-backend">{view.backend}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Runner</dt>
          <dd data-testid="run-runner">{run.runnerId ?? '—'}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Experiment</dt>
          <dd>{run.experiment?.name ?? '—'}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Launched by</dt>
          <dd data-testid="run-owner">{run.createdBy ? (run.createdBy.displayUsername ?? run.createdBy.username ?? run.createdBy.name) : '—'}</dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Progress</dt>
          <dd data-testid="run-progress" className="tabular-nums">
            {run.lastStep}/{run.maxSteps || '?'}
            <span className="ml-2 inline-block h-1.5 w-20 overflow-hidden rounded bg-zinc-200 align-middle dark:bg-zinc-800">
              <span className="block h-full bg-blue-500" style={{ width: `${pct}%` }} />
            </span>
          </dd>
        </div>
        {view.showsScorer ? (
          <div className="col-span-2 sm:col-span-3 lg:col-span-6">
            <dt className="text-xs text-zinc-500">Scorer</dt>
            <dd data-testid="run-scorer">
              <ScorerLine scorer={run.scorer ?? null} />
            </dd>
          </div>
        ) : (
          view.facts.map((f) => (
            <div key={f.testId} className="col-span-2 sm:col-span-3 lg:col-span-6">
              <dt className="text-xs text-zinc-500">{f.label}</dt>
              <dd className="inline-flex flex-wrap items-center gap-2" data-testid={f.testId}>
                <span>{f.value}</span>
                {f.approximate && <LexicalBadge testId={`${f.testId}-approximate`} title="The offline lexical judge: an approximation for trying the pipeline, not comparable with published numbers" />}
              </dd>
            </div>
          ))
        )}
      </dl>
      {view.simulationNotice && <LocalCurvesNotice perceptionFree={isPerceptionFree(run.config)} />}
      {run.parentRun && (
        <p className="text-xs text-zinc-500">
          Cloned from <Link className="underline" href={`/runs/${run.parentRun.id}`}>{run.parentRun.name}</Link>
        </p>
      )}
      {run.attention && <RunAttentionNote attention={run.attention} />}
      {run.failureReason && (
        <p className="rounded bg-red-50 p-2 text-sm text-red-800 dark:bg-red-900/30 dark:text-red-200" data-testid="run-failure">
          {run.failureReason}
        </p>
      )}
      {cancel.error && <p className="text-sm text-red-600">Cancel failed: {cancel.error.message}</p>}
    </header>
  );
}
