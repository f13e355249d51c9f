import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { Actor } from '../audit/audit.js';
import type { KeyRing } from '../crypto/keyring.js';
import type { TenantSchema } from '../db/schema.js';
import { KonaError, notFound, type ErrorCode } from '../errors/errors.js';
import { can, type Permission } from './permissions.js';
import type { StaffRequest, TenantRequest } from './scopes.js';
import { renderPage } from './views/layout.js';

/** What most tenant services need for one request: that rescue's database and the PII key ring. */
export interface TenantDeps {
  db: Kysely<TenantSchema>;
  keyRing: KeyRing;
}

/** The request's own rescue's database and the key ring. */
export function tenantDeps(request: TenantRequest): TenantDeps {
  return { db: request.tenant.db.kysely, keyRing: request.server.kona.ctx.secrets.keyRing };
}

/** The signed-in member as the audit log records them. */
export function staffActor(request: StaffRequest): Actor {
  return { type: 'staff', id: request.actor.id };
}

/** Whether the signed-in member's role grants a permission (decides which forms and links a page shows). */
export function actorCan(request: FastifyRequest, permission: Permission): boolean {
  return request.actor?.kind === 'staff' && can(request.actor.role, permission);
}

const idParams = z.object({ id: z.uuid() });

/** The record id in the URL (`:id`), or a 404 naming `what` (a malformed id never reaches the database). */
export function idParam(request: FastifyRequest, what: string): string {
  const parsed = idParams.safeParse(request.params);
  if (!parsed.success) throw notFound(what);
  return parsed.data.id;
}

/** Sends a rendered page with a status code. */
export function sendPage<P>(reply: FastifyReply, status: number, page: VNode<P>) {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
}

const refusalCodes = new Set<ErrorCode>(['KONA_ERR_CONFLICT', 'KONA_ERR_VALIDATION', 'KONA_ERR_WRITE_UNCONFIRMED', 'KONA_ERR_DB_SWITCHING']);

/**
 * Whether an error is one the person can act on (re-show the form, with what they typed) rather
 * than a fault. So are the database's failover answers: an unconfirmed write (they check whether it
 * was saved, then resubmit or not) and a switchover that saved nothing (they submit again shortly).
 */
export function isRefusal(err: unknown): err is KonaError {
  return err instanceof KonaError && refusalCodes.has(err.code);
}

