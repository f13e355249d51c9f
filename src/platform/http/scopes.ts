/**
 * Typed route scopes. Fastify resolves the tenant (or the operator) in a hook of an encapsulated
 * scope, so a handler there always has it; these wrappers say so in the types. A route declared
 * in a tenant scope gets a request whose `tenant` is present, and, unless the route is public,
 * whose `actor` is a signed-in member of that rescue (the access guard ran before it). Handlers
 * never write `request.tenant!`.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RouteGenericInterface, RouteShorthandOptions } from 'fastify';
import type { FastifyContextConfig } from 'fastify';
import type { TenantHandle } from '../tenancy/tenant-databases.js';
import type { OperatorActor, StaffActor, VetActor } from './context.js';
import type { Permission } from './permissions.js';
import type { KonaDecorations } from './server.js';

/** A request inside the tenant scope: its rescue is resolved. */
export type TenantRequest<G extends RouteGenericInterface = RouteGenericInterface> = FastifyRequest<G> & { tenant: TenantHandle };
/** A request to a non-public tenant route: a member of the rescue is signed in. */
export type StaffRequest<G extends RouteGenericInterface = RouteGenericInterface> = TenantRequest<G> & { actor: StaffActor };
/** A request to an operator route: the operator is signed in. */
export type OperatorRequest<G extends RouteGenericInterface = RouteGenericInterface> = FastifyRequest<G> & { actor: OperatorActor };

/** A request to a vet route: a vet is signed in (verified or not: `actor.status` says). */
export type VetRequest<G extends RouteGenericInterface = RouteGenericInterface> = FastifyRequest<G> & { actor: VetActor };

/** A permission that needs a signed-in member of the rescue. */
export type StaffPermission = Exclude<Permission, 'public' | 'operator' | 'vet'>;

/** Route options with the permission every route declares. */
export type ScopedRouteOptions<P extends Permission> = Omit<RouteShorthandOptions, 'config'> & { config: FastifyContextConfig & { permission: P } };

type Handler<R> = (request: R, reply: FastifyReply) => unknown;

/** A route method of the tenant scope: public routes get a TenantRequest, the rest a StaffRequest. */
export interface TenantRouteMethod {
  <G extends RouteGenericInterface = RouteGenericInterface>(url: string, options: ScopedRouteOptions<'public'>, handler: Handler<TenantRequest<G>>): void;
  <G extends RouteGenericInterface = RouteGenericInterface>(url: string, options: ScopedRouteOptions<StaffPermission>, handler: Handler<StaffRequest<G>>): void;
}

/** A route method of the operator scope. */
export type OperatorRouteMethod = <G extends RouteGenericInterface = RouteGenericInterface>(url: string, options: ScopedRouteOptions<'operator' | 'public'>, handler: Handler<OperatorRequest<G>>) => void;

/** A route method of the vet scope (`/vet`): public routes (register, sign in) and the vet's own. */
export type VetRouteMethod = <G extends RouteGenericInterface = RouteGenericInterface>(url: string, options: ScopedRouteOptions<'vet' | 'public'>, handler: Handler<VetRequest<G>>) => void;

/** What a feature's tenant routes are declared on. */
export interface TenantScope {
  get: TenantRouteMethod;
  post: TenantRouteMethod;
  put: TenantRouteMethod;
  delete: TenantRouteMethod;
  /** For a CORS preflight a public resource answers (the JSON feed). */
  options: TenantRouteMethod;
  /** Shared pieces: the app context, assets, the page frame. */
  kona: KonaDecorations;
  /** The Fastify scope itself, for hooks and plugins. */
  fastify: FastifyInstance;
}

/** What a feature's operator routes are declared on. */
export interface OperatorScope {
  get: OperatorRouteMethod;
  post: OperatorRouteMethod;
  kona: KonaDecorations;
  fastify: FastifyInstance;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

function declare(app: FastifyInstance, method: Method, check: (request: FastifyRequest, permission: Permission) => void) {
  return (url: string, options: ScopedRouteOptions<Permission>, handler: Handler<never>) => {
    const permission = options.config.permission;
    app.route({ ...options, method, url, handler: (request, reply) => { check(request, permission); return handler(request as never, reply); } });
  };
}

/** What a feature's vet routes are declared on. */
export interface VetScope {
  get: VetRouteMethod;
  post: VetRouteMethod;
  kona: KonaDecorations;
  fastify: FastifyInstance;
}

// The resolver and the access guard make these impossible; a failure here is a wiring bug (500).
function checkTenant(request: FastifyRequest, permission: Permission): void {
  if (!request.tenant) throw new Error('A tenant route ran without a resolved tenant');
  if (permission !== 'public' && request.actor?.kind !== 'staff') throw new Error('A staff route ran without a signed-in member');
}

function checkOperator(request: FastifyRequest, permission: Permission): void {
  if (permission !== 'public' && request.actor?.kind !== 'operator') throw new Error('An operator route ran without a signed-in operator');
}

function checkVet(request: FastifyRequest, permission: Permission): void {
  if (permission !== 'public' && request.actor?.kind !== 'vet') throw new Error('A vet route ran without a signed-in vet');
}

/** Declares a feature's routes under `/vet`, with the vet typed as present. */
export function inVetScope(declareRoutes: (scope: VetScope) => void | Promise<void>): FastifyPluginAsync {
  return async (app) => {
    await declareRoutes({ get: declare(app, 'GET', checkVet) as VetRouteMethod, post: declare(app, 'POST', checkVet) as VetRouteMethod, kona: app.kona, fastify: app });
  };
}

/** Declares a feature's routes under `/r/:tenant`, with the tenant (and the member) typed as present. */
export function inTenantScope(declareRoutes: (scope: TenantScope) => void | Promise<void>): FastifyPluginAsync {
  return async (app) => {
    await declareRoutes({
      get: declare(app, 'GET', checkTenant) as TenantRouteMethod,
      post: declare(app, 'POST', checkTenant) as TenantRouteMethod,
      put: declare(app, 'PUT', checkTenant) as TenantRouteMethod,
      delete: declare(app, 'DELETE', checkTenant) as TenantRouteMethod,
      options: declare(app, 'OPTIONS', checkTenant) as TenantRouteMethod,
      kona: app.kona,
      fastify: app,
    });
  };
}

/** Declares a feature's routes under `/operator`, with the operator typed as present. */
export function inOperatorScope(declareRoutes: (scope: OperatorScope) => void | Promise<void>): FastifyPluginAsync {
  return async (app) => {
    await declareRoutes({ get: declare(app, 'GET', checkOperator) as OperatorRouteMethod, post: declare(app, 'POST', checkOperator) as OperatorRouteMethod, kona: app.kona, fastify: app });
  };
}
