import Link from 'next/link';

export default function RolloutNotFound() {
  return (
    <section data-testid="not-found" className="mx-auto max-w-lg py-16 text-center">
      <p className="text-5xl font-semibold text-zinc-300">404</p>
      <h1 className="mt-2 text-xl font-semibold">Rollout not found</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">This run has no rollout with this id. The link may be wrong, or the rollout belongs to another run.</p>
      <Link href="/" className="mt-4 inline-block text-sm underline">
        Back to all runs
      </Link>
    </section>
  );
}
