/**
 * Roles and what each may do (issue 12). One role per user. Enforced on the server by the role
 * middleware in server/api/trpc.ts (`viewerProcedure`, `researcherProcedure`, `annotatorProcedure`,
 * `adminProcedure`) and by `requireRole` for plain route handlers; the UI only hides what a role
 * cannot use.
 *
 *   viewer      read everything (runs, curves, rollouts, results)
 *   annotator   viewer + create / delete span annotations on captions
 *   researcher  viewer + launch, cancel, clone, evaluate, import, curate — and annotate
 *   admin       everything, plus users, roles, API tokens of others and runner tokens
 */
export const ROLES = ['viewer', 'annotator', 'researcher', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a procedure needs; each maps to the roles that have it. */
export type Capability = 'read' | 'annotate' | 'research' | 'admin';

/** The role a forbidden caller is told it needs for each capability (the 403 message names it). */
export const CAPABILITY_ROLE: Record<Capability, Role> = {
  read: 'viewer',
  annotate: 'annotator',
  research: 'researcher',
  admin: 'admin',
};

const GRANTS: Record<Role, readonly Capability[]> = {
  viewer: ['read'],
  annotator: ['read', 'annotate'],
  researcher: ['read', 'annotate', 'research'],
  admin: ['read', 'annotate', 'research', 'admin'],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'reads everything',
  annotator: 'reads everything and annotates captions',
  researcher: 'launches, cancels, clones, evaluates and imports runs; annotates',
  admin: 'everything, plus users, roles and runner tokens',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `role` may use `capability`. An unknown role (a hand-edited database row) may do nothing. */
export function roleCan(role: string | null | undefined, capability: Capability): boolean {
  return isRole(role) && GRANTS[role].includes(capability);
}

/** The roles that hold a capability, for messages such as "needs researcher or admin". */
export function rolesWith(capability: Capability): Role[] {
  return ROLES.filter((r) => GRANTS[r].includes(capability));
}
