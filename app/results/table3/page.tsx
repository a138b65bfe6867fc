import { Suspense } from 'react';
import { AblationTablePage } from '../../../components/tables/AblationTablePage';

export default function ResultsTable3Route() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading results…</p>}>
      <AblationTablePage table="table3" />
    </Suspense>
  );
}
