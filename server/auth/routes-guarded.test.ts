/**
 * Every API route checks its caller (issue 12): each app/api/**\/route.ts either calls requireRole
 * (signed-in users / API tokens), goes through ingestHandler (runner tokens), or is listed here as
 * public with the reason. A new route without a check fails this test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const PUBLIC_ROUTES: Record<string, string> = {
  'app/api/health/route.ts': 'health checks (load balancers, runners) run signed out',
  'app/api/auth/[...all]/route.ts': "Better Auth's sign-in / sign-out endpoints",
  'app/api/trpc/[trpc]/route.ts': 'every procedure checks its role (server/api/trpc.ts; access.int.test.ts walks them)',
};

function routes(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return routes(p);
    return name === 'route.ts' ? [path.relative(ROOT, p)] : [];
  });
}

describe('API routes', () => {
  it('each one checks the caller or is a listed public route', () => {
    const all = routes(path.join(ROOT, 'app', 'api'));
    expect(all.length).toBeGreaterThan(5);
    const unguarded = all.filter((r) => !(r in PUBLIC_ROUTES) && !/\b(requireRole|ingestHandler)\(/.test(readFileSync(path.join(ROOT, r), 'utf8')));
    expect(unguarded, 'add `const caller = await requireRole(req, …); if (caller instanceof Response) return caller;` (server/auth/route.ts)').toEqual([]);
  });
});
