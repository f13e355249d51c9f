/**
 * Which dogs a member may see and change. Members whose role holds `dogs.all` (admins, staff,
 * viewers) reach every dog; the others (fosters) only the dogs in their care now, that is with an
 * open foster placement (`dogs.foster_id`, which the fosters feature sets and clears with it).
 * One rule for the dog's pages (the guard below), the lists and the photo URLs.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { StaffRole, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { can } from '../../platform/http/permissions.js';

/** The dogs a member may reach: every dog, or those in one foster's care. */
export type DogScope = { all: true } | { all: false; fosterId: string };

/** The scope of a signed-in member. */
export function dogScopeOf(member: { id: string; role: StaffRole }): DogScope {
  return can(member.role, 'dogs.all') ? { all: true } : { all: false, fosterId: member.id };
}

/** The foster whose dogs the scope is narrowed to, or undefined for every dog (list filters take this). */
export function careOf(scope: DogScope): string | undefined {
  return scope.all ? undefined : scope.fosterId;
}

/** "The dog is in the scope", as a condition on a `dogs` row. */
export function dogInScope(scope: DogScope) {
  return (eb: ExpressionBuilder<TenantSchema, 'dogs'>): Expression<SqlBool> => (scope.all ? sql<SqlBool>`true` : eb('dogs.foster_id', '=', scope.fosterId));
}

/** The refusal for a dog outside the member's scope: a 404, so it says nothing of other dogs. */
export function dogOutOfScope(): KonaError {
  return new KonaError('KONA_ERR_NOT_FOUND', 'There is no dog in your care at this address. The dogs you care for are listed under "My dogs".');
}

/** Whether a dog is in the scope (false for a dog that does not exist). */
export async function isDogInScope(db: Kysely<TenantSchema>, scope: DogScope, dogId: string): Promise<boolean> {
  if (scope.all) return true;
  const row = await db.selectFrom('dogs').select('id').where('id', '=', dogId).where(dogInScope(scope)).executeTakeFirst();
  return row !== undefined;
}

// Every hub route about one dog sits below /hub/dogs/:id (its page, medical, documents, photos,
// notes, weights, uploads), so one guard covers them and any added later.
const dogRoute = /^\/r\/:tenant\/hub\/dogs\/:id(\/|$)/;
const dogParams = z.object({ id: z.uuid() });

/**
 * Refuses a member a dog outside their scope before the route's handler runs (after the access
 * guard, before any upload is read). Registered first in the tenant scope (apps/routes.ts) so its
 * hook covers every dog route.
 */
export const dogScopeGuard: FastifyPluginAsync = fp(async (app) => {
  app.addHook('preHandler', async (request) => {
    const actor = request.actor;
    if (actor?.kind !== 'staff' || !request.tenant || !dogRoute.test(request.routeOptions.url ?? '')) return;
    const scope = dogScopeOf(actor);
    if (scope.all) return;
    const parsed = dogParams.safeParse(request.params);
    if (!parsed.success || !(await isDogInScope(request.tenant.db.kysely, scope, parsed.data.id))) throw dogOutOfScope();
  });
});
