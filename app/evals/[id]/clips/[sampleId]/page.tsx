import { Suspense } from 'react';
import { EvalSamplePage } from '../../../../../components/evals/EvalSamplePage';

export default async function EvalSampleRoute({ params }: { params: Promise<{ id: string; sampleId: string }> }) {
  const { id, sampleId } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading clip…</p>}>
      <EvalSamplePage runId={id} sampleId={sampleId} />
    </Suspense>
  );
}
