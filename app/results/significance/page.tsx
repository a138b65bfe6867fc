import { Suspense } from 'react';
import { SignificancePage } from '../../../components/tables/SignificancePage';

export default function ResultsSignificancePage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <SignificancePage />
    </Suspense>
  );
}
