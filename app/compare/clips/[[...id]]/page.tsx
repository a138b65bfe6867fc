import { Suspense } from 'react';
import { CaptionComparePage } from '../../../../components/compare/CaptionComparePage';

/** /compare/clips[/<clip id>]: captions of several sources side by side, annotated (issue 13). */
export default async function CompareClipsPage({ params }: { params: Promise<{ id?: string[] }> }) {
  const { id } = await params;
  const clipId = id && id.length ? id.map((s) => decodeURIComponent(s)).join('/') : null;
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <CaptionComparePage clipId={clipId} />
    </Suspense>
  );
}
