import { AdminShell } from '../../../components/admin/AdminNav';
import { RunnerTokensAdmin } from '../../../components/admin/RunnerTokensAdmin';

export default function Page() {
  return (
    <AdminShell>
      <RunnerTokensAdmin />
    </AdminShell>
  );
}
