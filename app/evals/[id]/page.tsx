import { Suspense } from 'react';
import { EvalPage } from '../../../components/evals/EvalPage';

export default async function EvalRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading evaluation…</p>}>
      <EvalPage runId={id} />
    </Suspense>
  );
}
