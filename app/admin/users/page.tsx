import { AdminShell } from '../../../components/admin/AdminNav';
import { UsersAdmin } from '../../../components/admin/UsersAdmin';

export default function Page() {
  return (
    <AdminShell>
      <UsersAdmin />
    </AdminShell>
  );
}
