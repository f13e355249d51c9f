import { mailSenderOf } from '../../platform/http/identity.js';
import { localeOf } from '../../platform/http/rescue-time.js';
import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { renderPage } from '../../platform/http/views/layout.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { contractStoreFor } from './contracts.store.js';
import type { ContractDeps } from './contracts.service.js';
import type { TenantRequest } from '../../platform/http/scopes.js';

/** The contract services' dependencies for this request's rescue. */
export function contractDepsOf(request: TenantRequest): ContractDeps {
  const { secrets, jobs } = request.server.kona.ctx;
  return { db: request.tenant.db.kysely, ring: secrets.keyRing, jobs, rescueName: request.rescueName ?? request.tenant.name, sender: mailSenderOf(request), locale: localeOf(request) };
}

/** The request's rescue's content-addressed store of signed contracts (see `contractStoreFor`). */
export function contractStoreOf(request: TenantRequest): BlobStore {
  return contractStoreFor(request.server.kona.ctx.config.uploadsDir, request.tenant.slug);
}

/** The absolute signing link for a token, on the address this rescue was reached at. */
export function signingLink(request: TenantRequest, token: string): string {
  const url = request.server.kona.ctx.config.publicUrl;
  // basePath '' means the request came in on the rescue's own hostname, which the host map matched.
  const origin = request.basePath === '' ? `${url.protocol}//${request.headers.host}` : url.origin;
  return `${origin}${request.basePath}/contracts/${token}`;
}

/** Sends a rendered page with a status code. */
export function sendPage<P>(reply: FastifyReply, status: number, page: VNode<P>) {
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
}
