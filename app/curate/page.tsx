import { Suspense } from 'react';
import { Card } from '../../components/ui/Card';
import { CurateLaunchForm } from '../../components/curation/CurateLaunchForm';
import { CurateRunsList } from '../../components/curation/CurateRunsList';

export const dynamic = 'force-dynamic';

/** /curate: launch a curate run (paper Appendix C) and see earlier ones. */
export default function CurateRoute() {
  return (
    <div className="flex flex-col gap-4">
      <Card title="Curate training data (paper Appendix C)">
        <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
          Duration (ffprobe) → dynamicity (OpenCV Farneback optical flow) → structured-think annotation (Fig. 5 prompt through the judge;
          offline, a labelled heuristic) → action-based filter → a new training dataset. Runs on a runner with the local backend.
        </p>
        <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
          <CurateLaunchForm />
        </Suspense>
      </Card>
      <Card title="Curate runs">
        <CurateRunsList />
      </Card>
    </div>
  );
}
