/**
 * Site icons (`/favicon.ico`). Sent from memory with an ETag rather than through @fastify/static:
 * the URL is fixed, so it cannot be fingerprinted and cached for a year, and a rescue's own icon
 * (its logo, from its storage) must go out the same way as Kona's default.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An icon as sent: its bytes, content type and ETag. */
export interface Icon {
  body: Buffer;
  type: string;
  etag: string;
}

/** An icon from its bytes; the ETag is a hash of them, so a changed icon is fetched again. */
export function iconFrom(body: Buffer, type: string): Icon {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

// A day: long enough that browsers stop asking on every page, short enough that a new logo shows.
const maxAgeSeconds = 24 * 3600;

/** Sends an icon with a day's public caching and its ETag (304 when the browser already has it). */
export function sendIcon(request: FastifyRequest, reply: FastifyReply, icon: Icon) {
  reply.header('cache-control', `public, max-age=${maxAgeSeconds}`).header('etag', icon.etag);
  if (request.headers['if-none-match'] === icon.etag) return reply.code(304).send();
  return reply.type(icon.type).send(icon.body);
}
