import { Suspense } from 'react';
import { Table1WithSignificance } from '../../components/tables/Table1WithSignificance';

export default function ResultsRoute() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading results…</p>}>
      <Table1WithSignificance />
    </Suspense>
  );
}
