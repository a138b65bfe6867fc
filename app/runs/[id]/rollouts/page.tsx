import { Suspense } from 'react';
import { RolloutBrowser } from '../../../../components/rollouts/RolloutBrowser';

// The run's existence is checked in ../layout.tsx. The browser reads its filters from the URL.
export default async function RolloutsRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading rollouts…</p>}>
      <RolloutBrowser runId={id} />
    </Suspense>
  );
}
