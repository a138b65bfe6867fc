'use client';

/**
 * /evals/<runId>/clips/<sampleId>: one clip of an evaluation — the prediction (sentences holding an
 * extracted event marked by its verdict), the reference, every judged event / object with its verdict
 * and reason, the VDC questions with the predicted answer and the verdict, and why a failed clip failed.
 */
import Link from 'next/link';
import { Fragment, type ReactNode } from 'react';
import { mapItemsToSentences } from '../../core/eval/highlight';
import { api } from '../providers/trpc';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';

interface JudgedItem {
  item: string;
  relationship: string | null;
  reason: string;
  hit: boolean;
}

interface VdcQa {
  question: string;
  answer: string;
  category: string;
  predictedAnswer: string | null;
  pred: 'yes' | 'no' | null;
  score: number | null;
  failed: string | null;
}

const VERDICT_TONE: Record<string, 'success' | 'neutral' | 'danger'> = { entailment: 'success', neutral: 'neutral', contradiction: 'danger' };

function Verdict({ relationship }: { relationship: string | null }) {
  if (!relationship) return <Badge>not judged</Badge>;
  return (
    <Badge tone={VERDICT_TONE[relationship] ?? 'neutral'} data-testid="eval-verdict">
      {relationship}
    </Badge>
  );
}

function ItemsTable({ title, items, testId, hint }: { title: string; items: JudgedItem[] | undefined; testId: string; hint: string }) {
  if (!items) return null;
  return (
    <Card title={`${title} (${items.filter((i) => i.hit).length}/${items.length} entailed)`}>
      <p className="mb-2 text-xs text-zinc-500">{hint}</p>
      {items.length === 0 ? (
        <p className="text-sm text-zinc-500">None: the official rule scores an empty list 1.0.</p>
      ) : (
        <table className="w-full text-left text-sm" data-testid={testId}>
          <tbody>
            {items.map((it, i) => (
              <tr key={i} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid={`${testId}-row`} data-relationship={it.relationship ?? ''}>
                <td className="py-1 pr-3">{it.item}</td>
                <td className="py-1 pr-3">
                  <Verdict relationship={it.relationship} />
                </td>
                <td className="py-1 pr-3 text-xs text-zinc-600 dark:text-zinc-400">{it.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** The caption with each sentence that holds an extracted item marked (green when entailed). */
function MarkedText({ text, items, testId }: { text: string; items: JudgedItem[] | undefined; testId: string }) {
  if (!items || items.length === 0) return <p className="whitespace-pre-wrap" data-testid={testId}>{text || <span className="text-zinc-400">(empty)</span>}</p>;
  const spans = mapItemsToSentences(text, items.map((i) => i.item));
  const parts: ReactNode[] = [];
  let at = 0;
  spans.forEach((s, k) => {
    if (s.start > at) parts.push(<Fragment key={`g${k}`}>{text.slice(at, s.start)}</Fragment>);
    const mine = s.items.map((i) => items[i]);
    const cls = mine.length === 0 ? '' : mine.some((m) => m.hit) ? 'bg-emerald-100 dark:bg-emerald-900/40' : 'bg-amber-100 dark:bg-amber-900/40';
    parts.push(
      <span key={`s${k}`} className={cls} title={mine.map((m) => `${m.item}: ${m.relationship}`).join('\n')} data-marked={mine.length > 0 ? (mine.some((m) => m.hit) ? 'entailed' : 'not-entailed') : undefined}>
        {text.slice(s.start, s.end)}
      </span>,
    );
    at = s.end;
  });
  if (at < text.length) parts.push(<Fragment key="tail">{text.slice(at)}</Fragment>);
  return (
    <p className="whitespace-pre-wrap" data-testid={testId}>
      {parts}
    </p>
  );
}

export function EvalSamplePage({ runId, sampleId }: { runId: string; sampleId: string }) {
  const q = api.eval.sample.useQuery({ id: sampleId }, { retry: false });
  if (q.isLoading) return <p className="text-sm text-zinc-500">Loading clip…</p>;
  if (q.error || !q.data) return <p className="text-sm text-red-600">Could not load the clip: {q.error?.message ?? 'not found'}</p>;
  const s = q.data;
  const d = (s.details ?? {}) as Record<string, unknown>;
  const scores = s.scores as Record<string, number>;
  const reference = s.reference || s.clip.referenceCaption;
  const predictedEvents = d.predictedEvents as JudgedItem[] | undefined;
  const qas = d.qas as VdcQa[] | undefined;
  const pct = (k: string) => (scores[k] === undefined ? '—' : `${(100 * scores[k]).toFixed(1)}`);
  return (
    <div className="flex flex-col gap-4" data-testid="eval-sample-page">
      <div className="flex flex-wrap items-center gap-3">
        <Link href={`/evals/${runId}/clips?benchmark=${encodeURIComponent(s.benchmark)}`} className="text-sm text-blue-700 hover:underline dark:text-blue-400">
          ← clips
        </Link>
        <h1 className="text-lg font-semibold" data-testid="eval-sample-clip">
          {s.clipId}
        </h1>
        <span className="text-sm text-zinc-500">
          {s.benchmark} · {s.subset} · judge {s.judgeModel}
        </span>
        {s.flags.map((f) => (
          <Badge key={f} tone="warning">
            {f}
          </Badge>
        ))}
      </div>
      {s.failed && (
        <p className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/40 dark:text-red-200" data-testid="eval-sample-failure">
          Failed (excluded from the means, not scored 0): {s.failureReason}
        </p>
      )}
      <div className="flex flex-wrap gap-4 text-sm tabular-nums" data-testid="eval-sample-scores">
        {s.benchmark === 'dream-1k' && (
          <>
            <span>recall {pct('recall')} ({scores.recall_hits ?? '?'}/{scores.recall_total ?? '?'})</span>
            <span>precision {pct('precision')} ({scores.precision_hits ?? '?'}/{scores.precision_total ?? '?'})</span>
            <span>F1 {pct('f1')}</span>
            <span className="text-zinc-500">
              subjects {scores.n_subjects} · shots {scores.n_shots} · events {scores.n_events}
            </span>
          </>
        )}
        {s.benchmark === 'vdc' && (
          <>
            <span>accuracy {pct('accuracy')} ({scores.correct ?? '?'}/{scores.questions ?? '?'})</span>
            <span>score {scores.score?.toFixed(2) ?? '—'}</span>
          </>
        )}
        {s.benchmark === 'carebench' && (
          <>
            <span>action R {pct('action_recall')} · P {pct('action_precision')} · F1 {pct('action_f1')}</span>
            <span>object R {pct('object_recall')} · P {pct('object_precision')} · F1 {pct('object_f1')}</span>
          </>
        )}
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card title="Prediction">
          <MarkedText text={s.prediction} items={predictedEvents} testId="eval-sample-prediction" />
          {predictedEvents && predictedEvents.length > 0 && <p className="mt-2 text-xs text-zinc-500">Sentences holding an extracted event are marked: green when the reference entails it.</p>}
        </Card>
        <Card title="Reference">
          <p className="whitespace-pre-wrap" data-testid="eval-sample-reference">
            {reference || <span className="text-zinc-400">(VDC scores from question/answer pairs; no reference caption)</span>}
          </p>
        </Card>
      </div>
      <ItemsTable title="Reference events vs the prediction (recall)" items={d.referenceEvents as JudgedItem[] | undefined} testId="eval-reference-events" hint="Each human event, judged against the predicted caption; only entailment is a hit." />
      <ItemsTable title="Events extracted from the prediction vs the reference (precision)" items={predictedEvents} testId="eval-predicted-events" hint="Events the judge extracted from the prediction, judged against the reference caption." />
      <ItemsTable title="Reference objects vs the prediction (object recall)" items={d.referenceObjects as JudgedItem[] | undefined} testId="eval-reference-objects" hint="&quot;There is/are …&quot; objects of the reference." />
      <ItemsTable title="Objects extracted from the prediction vs the reference (object precision)" items={d.predictedObjects as JudgedItem[] | undefined} testId="eval-predicted-objects" hint="Objects the judge extracted from the prediction." />
      {qas && (
        <Card title={`VDC questions (${qas.filter((x) => x.pred === 'yes').length}/${qas.length} correct)`}>
          <table className="w-full text-left text-sm" data-testid="eval-vdc-qas">
            <thead className="text-xs uppercase text-zinc-500">
              <tr>
                <th className="py-1 pr-3">Question</th>
                <th className="py-1 pr-3">Correct answer</th>
                <th className="py-1 pr-3">Answer from the prediction</th>
                <th className="py-1 pr-3">Verdict</th>
                <th className="py-1 pr-3 text-right">Score</th>
              </tr>
            </thead>
            <tbody>
              {qas.map((x, i) => (
                <tr key={i} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid="eval-vdc-qa">
                  <td className="py-1 pr-3">{x.question}</td>
                  <td className="py-1 pr-3">{x.answer}</td>
                  <td className="py-1 pr-3">{x.predictedAnswer ?? '—'}</td>
                  <td className="py-1 pr-3">{x.failed ? <span className="text-red-700">{x.failed}</span> : <Badge tone={x.pred === 'yes' ? 'success' : 'neutral'}>{x.pred}</Badge>}</td>
                  <td className="py-1 pr-3 text-right tabular-nums">{x.score ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
