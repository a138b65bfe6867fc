import { Suspense } from 'react';
import { RunPage } from '../../../../components/runs/RunPage';

// Existence is checked in ../layout.tsx (HTTP 404 for an unknown id). This page and its loading.tsx live in
// the (overview) route group so the loading boundary wraps only the run page: under it, a rollout page's
// notFound() would come after a 200 had been streamed.
export default async function RunRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading run…</p>}>
      <RunPage runId={id} />
    </Suspense>
  );
}
