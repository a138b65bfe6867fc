import type { ItemListScore, TscoreBreakdown } from '../../core/tscore';
import { TSCORE_ACTION_WEIGHT, TSCORE_ATTRIBUTE_WEIGHT } from '../../core/tscore';
import type { ThinkSubject } from '../../core/types';
import { Badge } from '../ui/Badge';
import { EmptyState } from '../ui/EmptyState';
import { cn } from '../ui/cn';
import { ENTITY_SIM_FORMULA, escoreLabel } from '../../core/metric-labels';
import { LexicalBadge } from '../charts/ApproximationBadge';
import { useRunLabels } from '../runs/RunLabels';
import { extractTscoreBreakdown, formatScore } from './rollout-view';

export interface ScoreBreakdownProps {
  /**
   * A rollout's `breakdown` JSON (the reward service stores `{ tscore: TscoreBreakdown, escore, … }`)
   * or a `TscoreBreakdown` (core/tscore.ts) itself. Anything else shows "no breakdown".
   */
  breakdown: unknown;
  /** Predicted / reference subjects, to name unmatched subjects (the breakdown stores their indices). */
  predicted?: readonly ThinkSubject[] | null;
  reference?: readonly ThinkSubject[] | null;
  className?: string;
}

interface EscoreView {
  coverage: number;
  entailed: number;
  total: number;
  events: { event: string; relationship: string | null }[];
}

function readEscore(value: unknown): EscoreView | null {
  if (typeof value !== 'object' || value === null) return null;
  const e = (value as Record<string, unknown>).escore;
  if (typeof e !== 'object' || e === null) return null;
  const r = e as Record<string, unknown>;
  if (typeof r.coverage !== 'number' || typeof r.entailed !== 'number' || typeof r.total !== 'number' || !Array.isArray(r.events)) return null;
  const events = r.events
    .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && typeof (x as Record<string, unknown>).event === 'string')
    .map((x) => ({ event: x.event as string, relationship: typeof x.relationship === 'string' ? x.relationship : null }));
  return { coverage: r.coverage, entailed: r.entailed, total: r.total, events };
}

/**
 * Why a completion got its Tscore (paper Eqs. 2–6): the subject assignment with name and list
 * similarities, each matched item pair with its similarity, and what stayed unmatched — predicted
 * items without a reference counterpart (possible hallucinations, red) and reference items the
 * completion missed (amber). When present, Escore's per-event entailments are listed too.
 */
export function ScoreBreakdown({ breakdown, predicted, reference, className }: ScoreBreakdownProps) {
  const b = extractTscoreBreakdown(breakdown);
  const escore = readEscore(breakdown);
  if (!b && !escore) {
    return <EmptyState data-testid="score-breakdown-empty" title="No score breakdown recorded for this rollout" className={className} />;
  }
  return (
    <div className={cn('flex flex-col gap-3 text-xs', className)} data-testid="score-breakdown">
      {b && <TscoreSection b={b} predicted={predicted ?? null} reference={reference ?? null} />}
      {escore && <EscoreSection e={escore} />}
    </div>
  );
}

function TscoreSection({
  b,
  predicted,
  reference,
}: {
  b: TscoreBreakdown;
  predicted: readonly ThinkSubject[] | null;
  reference: readonly ThinkSubject[] | null;
}) {
  const subjectName = (list: readonly ThinkSubject[] | null, i: number) => list?.[i]?.subject ?? `#${i + 1}`;
  const { lexicalEmbedder } = useRunLabels();
  return (
    <section aria-label="Tscore breakdown" className="flex flex-col gap-2">
      <p className="text-sm">
        <span className="font-medium">Tscore {formatScore(b.tscore)}</span>
        {lexicalEmbedder && (
          <>
            {' '}
            <LexicalBadge testId="tscore-approximate" />
          </>
        )}
        <span className="text-zinc-500 dark:text-zinc-400">
          {' '}
          = {TSCORE_ACTION_WEIGHT} × F1<sub>action</sub> {formatScore(b.action.f1)} + {TSCORE_ATTRIBUTE_WEIGHT} × F1<sub>attribute</sub>{' '}
          {formatScore(b.attribute.f1)} · δ = {b.simThreshold}
        </span>
        {b.missingEmbeddings ? (
          <Badge tone="warning" className="ml-2">
            {b.missingEmbeddings} texts without embedding (scored 0)
          </Badge>
        ) : null}
      </p>
      <table className="w-auto self-start tabular-nums">
        <thead className="text-zinc-500 dark:text-zinc-400">
          <tr>
            <th className="pr-4 text-left font-normal" />
            <th className="pr-4 text-right font-normal">precision</th>
            <th className="pr-4 text-right font-normal">recall</th>
            <th className="text-right font-normal">F1</th>
          </tr>
        </thead>
        <tbody>
          {(['action', 'attribute'] as const).map((k) => (
            <tr key={k}>
              <th scope="row" className="pr-4 text-left font-normal">
                {k}s
              </th>
              <td className="pr-4 text-right">{formatScore(b[k].precision)}</td>
              <td className="pr-4 text-right">{formatScore(b[k].recall)}</td>
              <td className="text-right font-medium">{formatScore(b[k].f1)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <ol className="flex flex-col gap-2" aria-label="Matched subjects">
        {b.entities.map((e, k) => (
          <li key={k} className="rounded-md border border-zinc-200 p-2 dark:border-zinc-800" data-testid="score-entity">
            <p className="mb-1">
              <span className="font-medium">{e.predName || '(unnamed)'}</span>
              <span className="text-zinc-400"> ↔ </span>
              <span className="font-medium">{e.refName || '(unnamed)'}</span>
              <span className="ml-2 text-zinc-500 dark:text-zinc-400" title={`entity sim = ${ENTITY_SIM_FORMULA}`} data-testid="entity-sim">
                entity sim {formatScore(e.sim)} = F1<sub>attr</sub> {formatScore(e.attribute.f1)} + F1<sub>act</sub> {formatScore(e.action.f1)} + name sim{' '}
                {formatScore(e.nameSim)} (Eq. 4)
              </span>
            </p>
            <ItemMatches label="actions" score={e.action} />
            <ItemMatches label="attributes" score={e.attribute} />
          </li>
        ))}
      </ol>

      {(b.unmatchedPredSubjects.length > 0 || b.unmatchedRefSubjects.length > 0) && (
        <div className="flex flex-wrap gap-3">
          {b.unmatchedPredSubjects.length > 0 && (
            <p>
              <span className="text-zinc-500 dark:text-zinc-400">Predicted subjects without a match: </span>
              {b.unmatchedPredSubjects.map((i) => (
                <Unmatched key={`p${i}`} kind="pred" text={subjectName(predicted, i)} />
              ))}
            </p>
          )}
          {b.unmatchedRefSubjects.length > 0 && (
            <p>
              <span className="text-zinc-500 dark:text-zinc-400">Reference subjects missed: </span>
              {b.unmatchedRefSubjects.map((j) => (
                <Unmatched key={`r${j}`} kind="ref" text={subjectName(reference, j)} />
              ))}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function ItemMatches({ label, score }: { label: string; score: ItemListScore }) {
  const empty = score.matches.length === 0 && score.unmatchedPred.length === 0 && score.unmatchedRef.length === 0;
  return (
    <div className="mt-1">
      <p className="text-zinc-500 dark:text-zinc-400">
        {label}: P {formatScore(score.precision)} · R {formatScore(score.recall)} · F1 {formatScore(score.f1)}
      </p>
      {empty ? (
        <p className="italic text-zinc-400">none on either side</p>
      ) : (
        <ul className="mt-0.5 flex flex-wrap gap-1">
          {score.matches.map((m, i) => (
            <li key={`m${i}`} className="rounded bg-emerald-50 px-1.5 py-0.5 text-emerald-900 dark:bg-emerald-900/30 dark:text-emerald-200">
              {m.pred}
              <span className="text-emerald-600 dark:text-emerald-400"> ≈ </span>
              {m.ref}
              <span className="ml-1 tabular-nums opacity-70">{formatScore(m.sim, 2)}</span>
            </li>
          ))}
          {score.unmatchedPred.map((t, i) => (
            <li key={`p${i}`}>
              <Unmatched kind="pred" text={t} />
            </li>
          ))}
          {score.unmatchedRef.map((t, i) => (
            <li key={`r${i}`}>
              <Unmatched kind="ref" text={t} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** An unmatched item: predicted (not in the reference: possible hallucination) or reference (missed). */
function Unmatched({ kind, text }: { kind: 'pred' | 'ref'; text: string }) {
  return (
    <span
      data-testid={kind === 'pred' ? 'unmatched-pred' : 'unmatched-ref'}
      title={kind === 'pred' ? 'Predicted, no reference counterpart' : 'In the reference, missed by the completion'}
      className={cn(
        'mr-1 inline-block rounded border border-dashed px-1.5 py-0.5',
        kind === 'pred'
          ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-900/30 dark:text-red-200'
          : 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-900/30 dark:text-amber-200',
      )}
    >
      <span aria-hidden>{kind === 'pred' ? '+ ' : '− '}</span>
      <span className="sr-only">{kind === 'pred' ? 'unmatched prediction: ' : 'missed reference item: '}</span>
      {text}
    </span>
  );
}

function EscoreSection({ e }: { e: EscoreView }) {
  const { escoreThresholds, lexicalJudge } = useRunLabels();
  const tone = (rel: string | null) =>
    rel === 'entailment' ? 'success' : rel === 'contradiction' ? 'danger' : rel === 'neutral' ? 'neutral' : 'warning';
  return (
    <section aria-label="Escore events" className="flex flex-col gap-1">
      <p className="text-sm">
        <span className="font-medium">Escore events</span>
        {lexicalJudge && (
          <>
            {' '}
            <LexicalBadge testId="escore-approximate" />
          </>
        )}
        <span className="text-zinc-500 dark:text-zinc-400">
          {' '}
          {e.entailed} of {e.total} reference events entailed by the caption (coverage {formatScore(e.coverage)})
        </span>
        <span className="block text-xs text-zinc-500 dark:text-zinc-400" data-testid="escore-thresholds">
          {escoreLabel(escoreThresholds)}
        </span>
      </p>
      {e.events.length > 0 && (
        <ul className="flex flex-col gap-0.5">
          {e.events.map((ev, i) => (
            <li key={i} className="flex items-start gap-2">
              <Badge tone={tone(ev.relationship)}>{ev.relationship ?? 'unjudged'}</Badge>
              <span>{ev.event}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
