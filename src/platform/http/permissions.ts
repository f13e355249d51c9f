import type { StaffRole } from '../db/schema.js';

/**
 * Every route declares one of these in `config.permission`. `public` needs nothing; `operator`
 * needs a signed-in operator; `vet` a signed-in vet (any status: routes check verification); the rest need a signed-in member of the rescue whose role grants it.
 */
export const permissions = ['public', 'operator', 'vet', 'hub.view', 'account.self', 'staff.manage', 'settings.manage', 'jobs.manage', 'audit.view', 'dogs.view', 'dogs.edit', 'mail.view', 'medical.view', 'medical.edit', 'fosters.manage', 'notes.write', 'photos.upload', 'photos.approve', 'people.view', 'people.manage', 'applications.view', 'applications.manage', 'adoptions.configure', 'notifications.self', 'data.export', 'dogs.all', 'care.record'] as const;
/** One declared permission. */
export type Permission = (typeof permissions)[number];

/**
 * Tenant permissions each role holds. Later features add theirs here, in one place. `dogs.all` is a
 * data scope, not a route's permission: without it a member sees and changes only the dogs in their
 * care (a foster's open placements). `care.record` is what a carer writes down: weights and doses given.
 */
export const roleGrants: Record<StaffRole, readonly Permission[]> = {
  admin: ['hub.view', 'account.self', 'staff.manage', 'settings.manage', 'jobs.manage', 'audit.view', 'dogs.view', 'dogs.edit', 'mail.view', 'medical.view', 'medical.edit', 'fosters.manage', 'notes.write', 'photos.upload', 'photos.approve', 'people.view', 'people.manage', 'applications.view', 'applications.manage', 'adoptions.configure', 'notifications.self', 'data.export', 'dogs.all', 'care.record'],
  staff: ['hub.view', 'account.self', 'dogs.view', 'dogs.edit', 'medical.view', 'medical.edit', 'fosters.manage', 'notes.write', 'photos.upload', 'photos.approve', 'people.view', 'people.manage', 'applications.view', 'applications.manage', 'notifications.self', 'dogs.all', 'care.record'],
  foster: ['hub.view', 'account.self', 'dogs.view', 'medical.view', 'notes.write', 'photos.upload', 'notifications.self', 'care.record'],
  viewer: ['hub.view', 'account.self', 'dogs.view', 'medical.view', 'people.view', 'applications.view', 'notifications.self', 'dogs.all'],
};

/** Whether a role holds a tenant permission. */
export function can(role: StaffRole, permission: Permission): boolean {
  return permission === 'public' || roleGrants[role].includes(permission);
}

/** Whether a value is a known permission (checked when routes are registered). */
export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (permissions as readonly string[]).includes(value);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: Permission;
  }
}
