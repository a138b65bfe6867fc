import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { OpenModeBanner, ResearcherNavLink, UserMenu } from '../components/auth/UserMenu';
import { TRPCReactProvider } from '../components/providers/trpc';
import { HealthBadge } from '../components/runs/HealthBadge';
import './globals.css';

export const metadata: Metadata = {
  title: 'VideoCap Studio',
  description: 'Experiment dashboard for VideoCap-R1 style GRPO video captioning',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
        <TRPCReactProvider>
          <OpenModeBanner />
          <header className="border-b border-zinc-200 dark:border-zinc-800">
            <nav className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3 text-sm" aria-label="Main">
              <Link href="/" className="font-semibold tracking-tight">
                VideoCap Studio
              </Link>
              <Link href="/" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                Runs
              </Link>
              <ResearcherNavLink href="/runs/new" testId="nav-launch">
                Launch
              </ResearcherNavLink>
              <ResearcherNavLink href="/evals/new" testId="nav-evaluate">
                Evaluate
              </ResearcherNavLink>
              <Link href="/datasets" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid="nav-datasets">
                Datasets
              </Link>
              <Link href="/results" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid="nav-results">
                Results
              </Link>
              <ResearcherNavLink href="/curate" testId="nav-curate">
                Curate
              </ResearcherNavLink>
              <Link href="/compare/clips" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid="nav-captions">
                Captions
              </Link>
              <Link href="/compare" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                Compare runs
              </Link>
              <span className="ml-auto flex items-center gap-4">
                <HealthBadge />
                <UserMenu />
              </span>
            </nav>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
