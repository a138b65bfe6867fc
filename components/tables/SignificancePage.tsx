'use client';

/** /results/significance: the "compare two rows" panel with its selection in the URL (shareable). */
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { ResultsNav } from './ResultsNav';
import { SignificancePanel, type SignificanceSelection } from './SignificancePanel';

const BENCHMARKS = ['dream-1k', 'vdc', 'carebench'] as const;

export function SignificancePage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const b = params.get('benchmark');
  const value: SignificanceSelection = {
    a: params.get('a'),
    b: params.get('b'),
    benchmark: (BENCHMARKS as readonly string[]).includes(b ?? '') ? (b as SignificanceSelection['benchmark']) : 'dream-1k',
    subset: params.get('subset'),
    metric: params.get('metric'),
  };
  const onChange = (next: SignificanceSelection) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v);
    router.replace(`${pathname}?${p.toString()}`, { scroll: false });
  };
  return (
    <section className="flex flex-col gap-3" data-testid="significance-page">
      <h1 className="text-xl font-semibold">Is the difference real? Compare two rows</h1>
      <ResultsNav />
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        For two evaluations on the same benchmark, the difference B − A with its 95% interval and p-value from a paired bootstrap over the clips both evaluated.
      </p>
      <SignificancePanel value={value} onChange={onChange} />
    </section>
  );
}
