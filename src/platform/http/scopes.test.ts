import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { TenantHandle } from '../tenancy/tenant-databases.js';
import type { StaffActor } from './context.js';
import { inOperatorScope, inTenantScope } from './scopes.js';

const tenant = { slug: 'paws', name: 'Paws' } as unknown as TenantHandle;
const member: StaffActor = { kind: 'staff', id: 'm1', role: 'staff', name: 'Sam', sessionHash: 'h' };

// A scope whose hook resolves what the query string says, standing in for the tenant resolver.
async function appWith(resolve: (request: FastifyRequest<{ Querystring: { tenant?: string; actor?: string } }>) => void) {
  const app = Fastify({ logger: false });
  app.decorate('kona', {} as never);
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => resolve(request as never));
    await scope.register(inTenantScope((routes) => {
      routes.get('/public', { config: { permission: 'public' } }, async (request) => ({ slug: request.tenant.slug }));
      routes.get('/hub', { config: { permission: 'dogs.view' } }, async (request) => ({ slug: request.tenant.slug, member: request.actor.id }));
    }));
    await scope.register(inOperatorScope((routes) => {
      routes.get('/operator', { config: { permission: 'operator' } }, async (request) => ({ operator: request.actor.username }));
    }));
  });
  return app;
}

describe('route scopes', () => {
  it('hands a tenant route its tenant, and a staff route its member too', async () => {
    const app = await appWith((request) => {
      if (request.query.tenant) request.tenant = tenant;
      if (request.query.actor) request.actor = member;
    });
    expect((await app.inject('/public?tenant=1')).json()).toEqual({ slug: 'paws' });
    expect((await app.inject('/hub?tenant=1&actor=1')).json()).toEqual({ slug: 'paws', member: 'm1' });
    await app.close();
  });

  it('fails closed (500, handler not run) when the wiring left the tenant or the member unset', async () => {
    const app = await appWith((request) => {
      if (request.query.tenant) request.tenant = tenant;
    });
    expect((await app.inject('/public')).statusCode).toBe(500);
    expect((await app.inject('/hub?tenant=1')).statusCode).toBe(500);
    expect((await app.inject('/operator')).statusCode).toBe(500);
    await app.close();
  });

  it('hands an operator route its signed-in operator', async () => {
    const app = await appWith((request) => {
      request.actor = { kind: 'operator', id: 'o1', username: 'ops', sessionHash: 'h' };
    });
    expect((await app.inject('/operator')).json()).toEqual({ operator: 'ops' });
    await app.close();
  });
});
