'use client';

import { TRPCClientError } from '@trpc/client';
import { useState, type FormEvent } from 'react';
import type { AppRouter } from '../../server/api/root';
import { api } from '../providers/trpc';
import { Button } from '../ui/Button';
import { signInWithPassword } from './auth-client';
import { FormError, TextField } from './fields';

/** First start (no user yet): create the admin account, then sign in as it. */
export function SetupPage() {
  const setup = api.auth.setup.useMutation();
  const [form, setForm] = useState({ username: 'admin', name: '', email: '', password: '', confirm: '' });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldErrors({});
    if (form.password !== form.confirm) {
      setFieldErrors({ confirm: 'the passwords differ' });
      return;
    }
    try {
      await setup.mutateAsync({ username: form.username, name: form.name || undefined, email: form.email || undefined, password: form.password });
    } catch (err) {
      const fe = err instanceof TRPCClientError ? (err as TRPCClientError<AppRouter>).data?.fieldErrors : null;
      if (fe && Object.keys(fe).length) setFieldErrors(fe);
      else setError(err instanceof Error ? err.message : String(err));
      return;
    }
    const signInError = await signInWithPassword(form.username, form.password);
    if (signInError) {
      setError(`The admin was created, but signing in failed: ${signInError}`);
      return;
    }
    window.location.assign('/');
  };

  return (
    <section className="mx-auto mt-10 max-w-md">
      <h1 className="mb-2 text-xl font-semibold">Welcome to VideoCap Studio</h1>
      <p className="mb-4 text-sm text-zinc-600 dark:text-zinc-400">No account exists yet. Create the admin account; the admin then adds researchers, annotators and viewers.</p>
      <form onSubmit={submit} className="flex flex-col gap-3" data-testid="setup-form" noValidate>
        <TextField label="Admin user name" value={form.username} onChange={set('username')} autoComplete="username" error={fieldErrors.username} data-testid="setup-username" />
        <TextField label="Display name (optional)" value={form.name} onChange={set('name')} error={fieldErrors.name} data-testid="setup-name" />
        <TextField label="Email (optional)" type="email" value={form.email} onChange={set('email')} error={fieldErrors.email} data-testid="setup-email" />
        <TextField label="Password (at least 10 characters)" type="password" value={form.password} onChange={set('password')} autoComplete="new-password" error={fieldErrors.password} data-testid="setup-password" />
        <TextField label="Repeat the password" type="password" value={form.confirm} onChange={set('confirm')} autoComplete="new-password" error={fieldErrors.confirm} data-testid="setup-confirm" />
        <FormError message={error} testId="setup-error" />
        <Button type="submit" variant="primary" loading={setup.isPending} data-testid="setup-submit">
          Create the admin account
        </Button>
      </form>
    </section>
  );
}
