'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { httpBatchLink, loggerLink, TRPCClientError } from '@trpc/client';
import { createTRPCReact } from '@trpc/react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root';
import { SessionProvider } from '../auth/SessionProvider';

/** The tRPC client for components (React Query hooks: api.run.list.useQuery(...)). */
export const api = createTRPCReact<AppRouter>();

/** A session that ended (signed out elsewhere, expired, disabled) sends the page to sign-in. */
function onAuthError(err: unknown): void {
  if (typeof window === 'undefined' || !(err instanceof TRPCClientError)) return;
  const code = (err.data as { code?: string } | undefined)?.code;
  const { pathname, search } = window.location;
  if (code === 'UNAUTHORIZED' && pathname !== '/sign-in' && pathname !== '/setup') {
    window.location.assign(`/sign-in?next=${encodeURIComponent(pathname + search)}`);
  }
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: onAuthError }),
        mutationCache: new MutationCache({ onError: onAuthError }),
        defaultOptions: {
          queries: {
            staleTime: 2_000,
            refetchOnWindowFocus: false,
            // 401 / 403 do not get better by asking again.
            retry: (count, err) => count < 1 && !(err instanceof TRPCClientError && ['UNAUTHORIZED', 'FORBIDDEN'].includes((err.data as { code?: string } | undefined)?.code ?? '')),
          },
        },
      }),
  );
  const [trpcClient] = useState(() =>
    api.createClient({
      links: [
        loggerLink({ enabled: (op) => process.env.NODE_ENV === 'development' && op.direction === 'down' && op.result instanceof Error }),
        httpBatchLink({ url: '/api/trpc', transformer: superjson }),
      ],
    }),
  );
  return (
    <api.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>{children}</SessionProvider>
      </QueryClientProvider>
    </api.Provider>
  );
}
