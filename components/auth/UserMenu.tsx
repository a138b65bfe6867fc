'use client';

import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { authClient } from './auth-client';
import { useSession } from './SessionProvider';

/** Header: who is signed in (role), account and admin links, sign out. */
export function UserMenu() {
  const { user, mode, can } = useSession();
  const [signingOut, setSigningOut] = useState(false);
  if (mode === 'open' || !user) return null;
  const signOut = async () => {
    setSigningOut(true);
    await authClient.signOut();
    window.location.assign('/sign-in');
  };
  return (
    <span className="flex items-center gap-3 text-sm" data-testid="user-menu">
      {can('admin') && (
        <Link href="/admin/users" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid="nav-admin">
          Admin
        </Link>
      )}
      <Link href="/account" className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid="nav-account">
        <span data-testid="signed-in-user">{user.username ?? user.name}</span>{' '}
        <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800" data-testid="signed-in-role">
          {user.role}
        </span>
      </Link>
      <button type="button" onClick={signOut} disabled={signingOut} className="text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400" data-testid="sign-out">
        Sign out
      </button>
    </span>
  );
}

/** Shown on every page while AUTH_MODE=open. */
export function OpenModeBanner() {
  const { mode } = useSession();
  if (mode !== 'open') return null;
  return (
    <div role="alert" data-testid="open-mode-banner" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      Open mode (AUTH_MODE=open): no sign-in — anyone who can reach this server acts as admin and can launch runs. Use it only on your own machine.
    </div>
  );
}

/** The Launch link in the header, for roles that may launch. */
/** A nav link shown only to roles that may launch (researcher, admin); the server enforces it anyway. */
export function ResearcherNavLink({ href, testId, children }: { href: string; testId: string; children: ReactNode }) {
  const { can } = useSession();
  if (!can('research')) return null;
  return (
    <Link href={href} className="text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100" data-testid={testId}>
      {children}
    </Link>
  );
}
