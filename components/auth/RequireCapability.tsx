'use client';

import type { ReactNode } from 'react';
import { CAPABILITY_ROLE, rolesWith, type Capability } from '../../core/roles';
import { useSession } from './SessionProvider';

/**
 * A page part only some roles may use: others see which role it needs (the server refuses their
 * calls with 403 regardless).
 */
export function RequireCapability({ capability, children }: { capability: Capability; children: ReactNode }) {
  const { loading, can, user } = useSession();
  if (loading) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!can(capability)) {
    return (
      <p className="rounded border border-zinc-300 p-4 text-sm dark:border-zinc-700" data-testid="forbidden">
        This needs the {CAPABILITY_ROLE[capability]} role ({rolesWith(capability).join(', ')}){user ? `; you are ${user.role}` : ''}. Ask an admin to change your role.
      </p>
    );
  }
  return <>{children}</>;
}
