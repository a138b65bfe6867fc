'use client';

/**
 * Why a run is not moving (core/runner-status.ts `RunAttention`), and the "trained on test set"
 * mark of a run whose dataset is an evaluation benchmark. Used by the run page and the runs list.
 */
import type { RunAttention } from '../../core/runner-status';
import { Badge } from '../ui/Badge';
import { cn } from '../ui/cn';

function lostTime(a: RunAttention): string | null {
  return a.kind === 'runner-lost' && a.lostAt !== null ? new Date(a.lostAt).toLocaleString() : null;
}

/** The full note on the run page: what is wrong, since when, and the command that fixes it. */
export function RunAttentionNote({ attention }: { attention: RunAttention }) {
  const since = lostTime(attention);
  return (
    <div
      role="status"
      data-testid="run-attention"
      data-kind={attention.kind}
      className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-900/30 dark:text-amber-100"
    >
      <p className="font-medium">
        {attention.kind === 'runner-lost' ? 'Runner lost, waiting to be resumed' : attention.kind === 'no-runner' ? 'Waiting for a runner' : 'Waiting for a runner with enough GPUs'}
        {since && <span className="font-normal"> — last heartbeat {since}</span>}
      </p>
      <p className="mt-0.5">{attention.message}</p>
      {attention.command && (
        <p className="mt-1">
          Start one (with this server&apos;s VIDEOCAP_SERVER_URL, VIDEOCAP_RUNNER_TOKEN and REDIS_URL):{' '}
          <code className="rounded bg-amber-100 px-1 font-mono text-xs dark:bg-amber-900/60" data-testid="run-attention-command">
            {attention.command}
          </code>
        </p>
      )}
    </div>
  );
}

/** One line under the status in the runs list. */
export function RunAttentionLine({ attention }: { attention: RunAttention }) {
  const since = lostTime(attention);
  const text =
    attention.kind === 'runner-lost'
      ? `runner lost${since ? ` ${since}` : ''}, waiting to be resumed`
      : attention.kind === 'no-runner'
        ? `no runner for ${attention.queue}`
        : `needs ${attention.needed} GPUs; runners have ${attention.largest}`;
  return (
    <span className="mt-0.5 block text-xs text-amber-800 dark:text-amber-300" data-testid="run-row-attention" data-kind={attention.kind} title={attention.message}>
      {text}
      {attention.command && (
        <>
          {' — start one: '}
          <code className="font-mono">{attention.command}</code>
        </>
      )}
    </span>
  );
}

/** "trained on test set" mark for a run whose training data is an evaluation benchmark. */
export function TestSetMark({ benchmarks, className }: { benchmarks: readonly string[]; className?: string }) {
  if (benchmarks.length === 0) return null;
  return (
    <Badge
      tone="danger"
      data-testid="trained-on-test-set"
      className={cn(className)}
      title={`This run trains on ${benchmarks.join(', ')}, an evaluation benchmark: its scores on ${benchmarks.join(', ')} measure test data it has seen and are not comparable with the paper's.`}
    >
      trained on test set: {benchmarks.join(', ')}
    </Badge>
  );
}
