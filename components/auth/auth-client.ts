'use client';

/** Better Auth's browser client: sign in, sign out, change password (same-origin /api/auth/*). */
import { usernameClient } from 'better-auth/client/plugins';
import { createAuthClient } from 'better-auth/react';

export const authClient = createAuthClient({ plugins: [usernameClient()] });

/** Sign in by user name, or by email when the login contains "@". Returns an error message or null. */
export async function signInWithPassword(login: string, password: string): Promise<string | null> {
  const trimmed = login.trim();
  const r = trimmed.includes('@')
    ? await authClient.signIn.email({ email: trimmed, password })
    : await authClient.signIn.username({ username: trimmed, password });
  if (!r.error) return null;
  if (r.error.status === 429) return 'Too many sign-in attempts from this address. Wait a few minutes and try again.';
  if (r.error.status === 401 || r.error.status === 422) return 'Wrong user name, email or password.';
  return r.error.message ?? `Sign-in failed (HTTP ${r.error.status}).`;
}
