import { Suspense } from 'react';
import { AblationTablePage } from '../../../components/tables/AblationTablePage';

export default function ResultsTable2Route() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading results…</p>}>
      <AblationTablePage table="table2" />
    </Suspense>
  );
}
