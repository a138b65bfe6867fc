'use client';

/** Tabs between the results tables (Table 1, Tables 2–4; further pages such as significance plug in here). */
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export const RESULTS_TABS = [
  { href: '/results', label: 'Table 1 · models × benchmarks' },
  { href: '/results/table2', label: 'Table 2 · SFT vs RL' },
  { href: '/results/table3', label: 'Table 3 · rewards' },
  { href: '/results/table4', label: 'Table 4 · thinking' },
  { href: '/results/significance', label: 'Significance · compare two rows' },
];

export function ResultsNav({ extra = [] }: { extra?: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <nav className="flex flex-wrap gap-1 border-b border-zinc-200 text-sm dark:border-zinc-800" aria-label="Results tables">
      {[...RESULTS_TABS, ...extra].map((t) => {
        const active = pathname === t.href;
        return (
          <Link
            key={t.href}
            href={t.href}
            className={`-mb-px border-b-2 px-3 py-1.5 ${active ? 'border-zinc-900 font-medium dark:border-zinc-100' : 'border-transparent text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100'}`}
            data-testid={`results-tab-${t.href.split('/').pop()}`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
