import { Suspense } from 'react';
import { EvalLaunchPage } from '../../../components/evals/EvalLaunchPage';

export default function NewEvalPage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <EvalLaunchPage />
    </Suspense>
  );
}
