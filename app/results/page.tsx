import { Suspense } from 'react';
import { Table1Page } from '../../components/tables/Table1Page';

export default function ResultsRoute() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading results…</p>}>
      <Table1Page />
    </Suspense>
  );
}
