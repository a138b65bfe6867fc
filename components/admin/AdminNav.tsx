'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { useSession } from '../auth/SessionProvider';
import { cn } from '../ui/cn';

const LINKS = [
  { href: '/admin/users', label: 'Users and roles' },
  { href: '/admin/runners', label: 'Runner tokens' },
];

/** Admin pages: tabs, and a clear notice for other roles (the server refuses their calls with 403 anyway). */
export function AdminShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const { can, loading, user } = useSession();
  if (loading) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!can('admin')) {
    return (
      <p className="text-sm" data-testid="forbidden">
        This page needs the admin role{user ? ` (you are ${user.role})` : ''}.
      </p>
    );
  }
  return (
    <section className="flex flex-col gap-4">
      <nav className="flex gap-4 border-b border-zinc-200 text-sm dark:border-zinc-800">
        {LINKS.map((l) => (
          <Link key={l.href} href={l.href} className={cn('-mb-px border-b-2 px-1 py-2', pathname === l.href ? 'border-zinc-900 font-medium dark:border-zinc-100' : 'border-transparent text-zinc-500')}>
            {l.label}
          </Link>
        ))}
      </nav>
      {children}
    </section>
  );
}
