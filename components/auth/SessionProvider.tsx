'use client';

/**
 * Who is signed in and what they may do, for role-aware controls (the server enforces the same rules:
 * a hidden button is a convenience, not the protection).
 */
import { createContext, useContext, type ReactNode } from 'react';
import { roleCan, type Capability, type Role } from '../../core/roles';
import { api } from '../providers/trpc';

export interface SessionUser {
  userId: string | null;
  name: string;
  username: string | null;
  role: Role;
  via: 'session' | 'token' | 'open';
}

interface SessionState {
  loading: boolean;
  mode: 'accounts' | 'open' | null;
  user: SessionUser | null;
  /** True when the signed-in role has the capability (false while loading). */
  can: (capability: Capability) => boolean;
}

const SessionContext = createContext<SessionState>({ loading: true, mode: null, user: null, can: () => false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const session = api.auth.session.useQuery(undefined, { staleTime: 60_000, refetchOnWindowFocus: true });
  const user = (session.data?.user ?? null) as SessionUser | null;
  const value: SessionState = {
    loading: session.isLoading,
    mode: session.data?.mode ?? null,
    user,
    can: (c) => !!user && roleCan(user.role, c),
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}

/** Renders children only when the signed-in role has the capability. */
export function IfCan({ capability, children, fallback = null }: { capability: Capability; children: ReactNode; fallback?: ReactNode }) {
  const { can } = useSession();
  return <>{can(capability) ? children : fallback}</>;
}
