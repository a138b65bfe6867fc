'use client';

import { TRPCClientError } from '@trpc/client';
import { useState, type FormEvent } from 'react';
import { ROLE_DESCRIPTIONS, ROLES, type Role } from '../../core/roles';
import type { AppRouter } from '../../server/api/root';
import { FormError, TextField } from '../auth/fields';
import { useSession } from '../auth/SessionProvider';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';

const NO_EMAIL = '@users.videocap.invalid';

function CreateUser() {
  const utils = api.useUtils();
  const create = api.user.create.useMutation({ onSuccess: () => utils.user.list.invalidate() });
  const empty = { username: '', name: '', email: '', password: '', role: 'researcher' as Role };
  const [form, setForm] = useState(empty);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [createdName, setCreatedName] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFieldErrors({});
    setError(null);
    setCreatedName(null);
    try {
      const u = await create.mutateAsync({ ...form, name: form.name || undefined, email: form.email || undefined });
      setCreatedName(u.displayUsername ?? u.username);
      setForm(empty);
    } catch (err) {
      const fe = err instanceof TRPCClientError ? (err as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fe && Object.keys(fe).length) setFieldErrors(fe);
      else setError(err instanceof Error ? err.message : String(err));
    }
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <Card title="Add a user">
      <form onSubmit={submit} className="grid grid-cols-1 gap-3 sm:grid-cols-3" data-testid="create-user-form" noValidate>
        <TextField label="User name" value={form.username} onChange={set('username')} error={fieldErrors.username} data-testid="new-user-username" />
        <TextField label="Display name (optional)" value={form.name} onChange={set('name')} error={fieldErrors.name} data-testid="new-user-name" />
        <TextField label="Email (optional)" type="email" value={form.email} onChange={set('email')} error={fieldErrors.email} data-testid="new-user-email" />
        <TextField label="Initial password (≥ 10 characters)" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} error={fieldErrors.password} data-testid="new-user-password" />
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Role</span>
          <select value={form.role} onChange={set('role')} className="h-9 rounded-md border border-zinc-300 bg-white px-2 dark:border-zinc-700 dark:bg-zinc-900" data-testid="new-user-role">
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r} — {ROLE_DESCRIPTIONS[r]}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-end">
          <Button type="submit" variant="primary" loading={create.isPending} data-testid="new-user-submit">
            Create user
          </Button>
        </div>
      </form>
      <FormError message={error} testId="create-user-error" />
      {createdName && (
        <p className="mt-2 text-sm text-emerald-700" data-testid="create-user-done">
          Created {createdName}. Give them their initial password; they can change it on their account page.
        </p>
      )}
    </Card>
  );
}

function ResetPassword({ userId, username }: { userId: string; username: string }) {
  const reset = api.user.resetPassword.useMutation();
  const [open, setOpen] = useState(false);
  const [pw, setPw] = useState('');
  if (!open) {
    return (
      <Button size="sm" onClick={() => setOpen(true)} data-testid={`reset-password-${username}`}>
        Set password
      </Button>
    );
  }
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await reset.mutateAsync({ userId, password: pw }).then(() => true, () => false);
        if (ok) {
          setOpen(false);
          setPw('');
        }
      }}
    >
      <input type="password" value={pw} onChange={(e) => setPw(e.target.value)} placeholder="new password" className="h-7 w-36 rounded border border-zinc-300 px-1 text-xs dark:border-zinc-700 dark:bg-zinc-900" aria-label={`new password for ${username}`} />
      <Button size="sm" type="submit" loading={reset.isPending}>
        Save
      </Button>
      {reset.error && <span className="text-xs text-red-600">{reset.error.message}</span>}
    </form>
  );
}

export function UsersAdmin() {
  const utils = api.useUtils();
  const { user: me } = useSession();
  const users = api.user.list.useQuery();
  const setRole = api.user.setRole.useMutation({ onSettled: () => utils.user.list.invalidate() });
  const setDisabled = api.user.setDisabled.useMutation({ onSettled: () => utils.user.list.invalidate() });
  const error = setRole.error ?? setDisabled.error;
  return (
    <div className="flex flex-col gap-4">
      <CreateUser />
      <Card title="Users" flush>
        <FormError message={error?.message} testId="users-error" />
        <table className="w-full text-left text-sm" data-testid="users-table">
          <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="px-3 py-2">User</th>
              <th className="px-3 py-2">Email</th>
              <th className="px-3 py-2">Role</th>
              <th className="px-3 py-2">Runs</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2" />
            </tr>
          </thead>
          <tbody>
            {(users.data ?? []).map((u) => {
              const uname = u.username ?? u.id;
              return (
                <tr key={u.id} className="border-b border-zinc-100 dark:border-zinc-900" data-testid={`user-row-${uname}`}>
                  <td className="px-3 py-2">
                    <span className="font-medium">{u.displayUsername ?? u.username}</span> <span className="text-zinc-500">{u.name}</span>
                  </td>
                  <td className="px-3 py-2 text-zinc-600">{u.email.endsWith(NO_EMAIL) ? '—' : u.email}</td>
                  <td className="px-3 py-2">
                    <select
                      value={u.role}
                      onChange={(e) => setRole.mutate({ userId: u.id, role: e.target.value as Role })}
                      className="h-7 rounded border border-zinc-300 bg-white px-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                      aria-label={`role of ${uname}`}
                      data-testid={`role-${uname}`}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="px-3 py-2 tabular-nums">{u._count.runs}</td>
                  <td className="px-3 py-2">{u.banned ? <span className="text-red-700">disabled</span> : 'active'}</td>
                  <td className="flex justify-end gap-2 px-3 py-2">
                    <ResetPassword userId={u.id} username={uname} />
                    {u.id !== me?.userId && (
                      <Button size="sm" variant={u.banned ? 'secondary' : 'danger'} onClick={() => setDisabled.mutate({ userId: u.id, disabled: !u.banned })} data-testid={`toggle-disabled-${uname}`}>
                        {u.banned ? 'Enable' : 'Disable'}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
