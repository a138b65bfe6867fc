'use client';

import { useState, type FormEvent } from 'react';
import { ROLE_DESCRIPTIONS } from '../../core/roles';
import { authClient } from '../auth/auth-client';
import { FormError, TextField } from '../auth/fields';
import { useSession } from '../auth/SessionProvider';
import { Button } from '../ui/Button';
import { Card } from '../ui/Card';
import { ApiTokens } from './ApiTokens';

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next !== confirm) return setError('The new passwords differ.');
    setBusy(true);
    const r = await authClient.changePassword({ currentPassword: current, newPassword: next, revokeOtherSessions: true });
    setBusy(false);
    if (r.error) return setError(r.error.status === 400 && /password/i.test(r.error.message ?? '') ? r.error.message! : (r.error.message ?? `failed (HTTP ${r.error.status})`));
    setDone(true);
    setCurrent('');
    setNext('');
    setConfirm('');
  };

  return (
    <Card title="Change password">
      <form onSubmit={submit} className="flex max-w-sm flex-col gap-3" data-testid="change-password-form" noValidate>
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} data-testid="current-password" />
        <TextField label="New password (at least 10 characters)" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} data-testid="new-password" />
        <TextField label="Repeat the new password" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} data-testid="confirm-password" />
        <FormError message={error} testId="change-password-error" />
        {done && <p className="text-sm text-emerald-700" data-testid="change-password-done">Password changed; your other sessions were signed out.</p>}
        <Button type="submit" variant="primary" loading={busy} data-testid="change-password-submit">
          Change password
        </Button>
      </form>
    </Card>
  );
}

export function AccountPage() {
  const { user, mode } = useSession();
  if (mode === 'open') return <p className="text-sm">Open mode (AUTH_MODE=open) has no accounts.</p>;
  if (!user) return <p className="text-sm text-zinc-500">Loading…</p>;
  return (
    <section className="flex flex-col gap-4">
      <h1 className="text-xl font-semibold">Your account</h1>
      <p className="text-sm" data-testid="account-summary">
        Signed in as <strong>{user.username ?? user.name}</strong> ({user.name}) — role <strong>{user.role}</strong>: {ROLE_DESCRIPTIONS[user.role]}.
      </p>
      <ChangePassword />
      <ApiTokens />
    </section>
  );
}
