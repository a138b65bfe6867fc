'use client';

import { useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button } from '../ui/Button';
import { signInWithPassword } from './auth-client';
import { FormError, TextField } from './fields';

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function SignInPage() {
  const next = safeNext(useSearchParams().get('next'));
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!login.trim() || !password) {
      setError('Enter your user name (or email) and password.');
      return;
    }
    setBusy(true);
    const err = await signInWithPassword(login, password);
    if (err) {
      setBusy(false);
      setError(err);
      return;
    }
    window.location.assign(next);
  };

  return (
    <section className="mx-auto mt-10 max-w-sm">
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <form onSubmit={submit} className="flex flex-col gap-3" data-testid="sign-in-form" noValidate>
        <TextField label="User name or email" name="username" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} data-testid="sign-in-login" autoFocus />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="sign-in-password" />
        <FormError message={error} testId="sign-in-error" />
        <Button type="submit" variant="primary" loading={busy} data-testid="sign-in-submit">
          Sign in
        </Button>
        <p className="text-xs text-zinc-500">Accounts are created by an admin. Forgot your password? Ask an admin to set a new one.</p>
      </form>
    </section>
  );
}
