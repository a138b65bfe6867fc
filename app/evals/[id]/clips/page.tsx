import { Suspense } from 'react';
import { EvalClipsPage } from '../../../../components/evals/EvalClipsPage';

export default async function EvalClipsRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading clips…</p>}>
      <EvalClipsPage runId={id} />
    </Suspense>
  );
}
