import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import type { Actor } from '../../platform/audit/audit.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { can } from '../../platform/http/permissions.js';
import { renderPage } from '../../platform/http/views/layout.js';
import { dogIdParamsSchema } from './dogs.schema.js';

/** The dog id in the URL, or a 404 (a malformed id never reaches the database). */
export function dogIdOf(request: FastifyRequest): string {
  const parsed = dogIdParamsSchema.safeParse(request.params);
  if (!parsed.success) throw notFound('That dog');
  return parsed.data.id;
}

/** The signed-in staff member as the audit log records them. */
export function actorOf(request: FastifyRequest): Actor {
  return { type: 'staff', id: request.actor!.id };
}

/** Whether the signed-in person may change dogs (decides which forms a page shows). */
export function canEditDogs(request: FastifyRequest): boolean {
  return request.actor?.kind === 'staff' && can(request.actor.role, 'dogs.edit');
}

/** Whether the signed-in person may read medical records (decides whether the page links to them). */
export function canViewMedical(request: FastifyRequest): boolean {
  return request.actor?.kind === 'staff' && can(request.actor.role, 'medical.view');
}

/** Sends a rendered page with a status code. */
export function sendPage<P>(reply: FastifyReply, status: number, page: VNode<P>) {
  return reply.code(status).type('text/html').send(renderPage(page));
}

/** Whether an error is a refusal the person can act on (re-show the form) rather than a fault. */
export function isRefusal(err: unknown): err is KonaError {
  return err instanceof KonaError && (err.code === 'KONA_ERR_CONFLICT' || err.code === 'KONA_ERR_VALIDATION');
}
