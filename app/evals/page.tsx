import { redirect } from 'next/navigation';

/** `/evals`: evaluations are runs (listed at `/`); the header's "Evaluate" is `/evals/new`. */
export default function EvalsIndexPage(): never {
  redirect('/evals/new');
}
