/**
 * The "≈ lexical" badge: a score produced by the offline lexical embedder / judge (an approximation,
 * not the paper's BGE-M3 / Qwen2.5-72B setup). Used by the charts, the rollout views and the run page.
 */
export function LexicalBadge({ testId, title }: { testId?: string; title?: string }) {
  return (
    <span
      className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"
      title={title ?? "Scored by the offline lexical embedder / judge: an approximation, not the paper's BGE-M3 / Qwen2.5-72B setup"}
      data-testid={testId}
    >
      ≈ lexical
    </span>
  );
}
