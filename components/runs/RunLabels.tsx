'use client';

/**
 * What a run's numbers mean, for every view under /runs/<id>: the unit of completion lengths (words
 * for the local backend, tokens for ms-swift / TRL / verl) and Escore's coverage thresholds
 * (core/metric-labels.ts), and which scores are approximations (local simulation, lexical embedder /
 * judge) for the "≈ lexical" badges and the simulation notice of the rollout views. Read from
 * run.get, which the pages already fetch (same query, no extra request). Outside a provider the hook returns unknowns and views fall back to neutral labels.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { escoreThresholdsOf, lengthUnitOfRun, type LengthUnit } from '../../core/metric-labels';
import { isLocalSimulation } from '../../core/run-kind-view';
import { readRunScorer } from '../../core/scorer-view';
import { api } from '../providers/trpc';

export interface RunLabels {
  lengthUnit: LengthUnit | null;
  escoreThresholds: [number, number] | null;
  /** A GRPO / SFT run of the local CPU simulation (core/run-kind-view.ts). */
  simulation: boolean;
  /** Tscore came from the offline lexical embedder (an approximation). */
  lexicalEmbedder: boolean;
  /** Escore / CNscore verdicts came from the offline lexical judge (an approximation). */
  lexicalJudge: boolean;
}

const NONE: RunLabels = { lengthUnit: null, escoreThresholds: null, simulation: false, lexicalEmbedder: false, lexicalJudge: false };

/** The approximation flags of a run (as run.get returns it). */
export function runApproximations(run: { kind: string; backend: string; scorer?: unknown }): Pick<RunLabels, 'simulation' | 'lexicalEmbedder' | 'lexicalJudge'> {
  const s = readRunScorer(run.scorer);
  return { simulation: isLocalSimulation(run), lexicalEmbedder: s?.embedder?.kind === 'lexical', lexicalJudge: s?.judge?.kind === 'lexical' };
}
const Ctx = createContext<RunLabels>(NONE);

export function RunLabelsProvider({ runId, children }: { runId: string; children: ReactNode }) {
  const run = api.run.get.useQuery({ id: runId }, { retry: false });
  const d = run.data;
  const key = d ? JSON.stringify([d.kind, d.backend, d.source, d.scorer, d.config]) : '';
  const value = useMemo<RunLabels>(
    () =>
      d
        ? {
            lengthUnit: lengthUnitOfRun({ backend: d.backend, source: d.source }),
            escoreThresholds: escoreThresholdsOf({ config: d.config, scorer: d.scorer }),
            ...runApproximations(d),
          }
        : NONE,
    [key], // eslint-disable-line react-hooks/exhaustive-deps
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useRunLabels(): RunLabels {
  return useContext(Ctx);
}

/** "12 words" / "12 tokens" / "12" (unit unknown). */
export function formatLength(n: number, unit: LengthUnit | null): string {
  return unit ? `${n} ${unit === 'tokens' ? 'tok' : 'words'}` : String(n);
}
