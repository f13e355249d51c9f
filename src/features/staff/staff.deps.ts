import type { FastifyRequest } from 'fastify';
import type { StaffDeps } from './staff.service.js';

/** The staff services' dependencies for this request: its own rescue's database and the key ring. */
export function staffDepsOf(request: FastifyRequest): StaffDeps {
  return { db: request.tenant!.db.kysely, keyRing: request.server.kona.ctx.secrets.keyRing };
}
