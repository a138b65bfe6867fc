import { Suspense } from 'react';
import { AgreementPage } from '../../../components/compare/AgreementPage';

/** /compare/agreement[?clips=a,b][&a=…&b=…]: span F1 and Cohen's kappa between two annotators, per label (issue 13). */
export default function CompareAgreementPage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <AgreementPage />
    </Suspense>
  );
}
