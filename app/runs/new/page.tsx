import { Suspense } from 'react';
import { RequireCapability } from '../../../components/auth/RequireCapability';
import { LaunchPage } from '../../../components/runs/LaunchPage';

export default function NewRunPage() {
  return (
    <Suspense fallback={<p className="text-sm text-zinc-500">Loading…</p>}>
      <RequireCapability capability="research">
        <LaunchPage />
      </RequireCapability>
    </Suspense>
  );
}
