import { describe, expect, it } from 'vitest';
import { CAPABILITY_ROLE, ROLES, roleCan, rolesWith, type Capability } from './roles';

describe('roles', () => {
  it('grants exactly the documented capabilities', () => {
    const table = Object.fromEntries(ROLES.map((r) => [r, (['read', 'annotate', 'research', 'admin'] as Capability[]).filter((c) => roleCan(r, c))]));
    expect(table).toEqual({
      viewer: ['read'],
      annotator: ['read', 'annotate'],
      researcher: ['read', 'annotate', 'research'],
      admin: ['read', 'annotate', 'research', 'admin'],
    });
  });
  it('an unknown or missing role may do nothing', () => {
    for (const c of ['read', 'annotate', 'research', 'admin'] as Capability[]) {
      expect(roleCan('superuser', c)).toBe(false);
      expect(roleCan(null, c)).toBe(false);
      expect(roleCan(undefined, c)).toBe(false);
    }
  });
  it('names the role each capability needs, and who has it', () => {
    expect(CAPABILITY_ROLE.research).toBe('researcher');
    expect(rolesWith('research')).toEqual(['researcher', 'admin']);
    expect(rolesWith('annotate')).toEqual(['annotator', 'researcher', 'admin']);
    expect(rolesWith('admin')).toEqual(['admin']);
    // the named role always has the capability
    for (const [c, r] of Object.entries(CAPABILITY_ROLE)) expect(roleCan(r, c as Capability)).toBe(true);
  });
});
