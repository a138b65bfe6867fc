'use client';

/** The "rank among" option of every results table: which cells take part in bold / underline (core/results/rank.ts). */
export function RankAmongSelect({
  among,
  judgeClasses,
  onChange,
}: {
  /** null = each column's majority judge (the default). */
  among: string | null | undefined;
  judgeClasses: readonly { key: string; label: string; cells: number }[] | undefined;
  /** null = back to the default. */
  onChange: (among: string | null) => void;
}) {
  return (
    <label className="inline-flex items-center gap-1">
      rank among
      <select className="rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" value={among ?? 'majority'} onChange={(e) => onChange(e.target.value === 'majority' ? null : e.target.value)} data-testid="results-among">
        <option value="majority">each column&apos;s majority judge</option>
        <option value="all">all cells (other judges marked †)</option>
        {judgeClasses?.map((c) => (
          <option key={c.key} value={c.key}>
            only {c.label} ({c.cells})
          </option>
        ))}
      </select>
    </label>
  );
}
