import type {} from '@fastify/cookie';
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';
import type { ControlSchema, StaffRole, TenantSchema } from '../db/schema.js';

/** A new random session token (sent to the browser) and its hash (stored). */
export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** sha256 of a token: the database never holds a usable session id or invitation link. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Session lifetime rules from configuration. */
export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

/** Idle and absolute timeouts as configured. */
export function sessionLimits(config: Config): SessionLimits {
  return {
    idleMs: config.settings.KONA_SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: config.settings.KONA_SESSION_ABSOLUTE_HOURS * 3_600_000,
  };
}

function expired(row: { created_at: Date; last_seen_at: Date }, limits: SessionLimits, now: number): boolean {
  return now - row.last_seen_at.getTime() > limits.idleMs || now - row.created_at.getTime() > limits.absoluteMs;
}

// Touching last_seen_at on every request would make every page view a write; a minute (or a quarter of a shorter idle timeout) is precise enough.
const touchEveryMs = 60_000;

/** The active staff member behind a session token, or undefined (expired sessions are deleted; `clock` judges expiry). */
export async function loadStaffSession(db: Kysely<TenantSchema>, token: string, limits: SessionLimits, clock: Clock = systemClock) {
  const hash = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('staff', 'staff.id', 'sessions.staff_id')
    .select(['sessions.created_at', 'sessions.last_seen_at', 'staff.id', 'staff.role', 'staff.name_enc', 'staff.status'])
    .where('sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = clock.now();
  if (row.status !== 'active' || expired(row, limits, now)) {
    await db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
    return undefined;
  }
  if (now - row.last_seen_at.getTime() > Math.min(touchEveryMs, limits.idleMs / 4)) {
    await db.updateTable('sessions').set({ last_seen_at: new Date(now) }).where('token_hash', '=', hash).execute();
  }
  return { id: row.id, role: row.role as StaffRole, nameEnc: row.name_enc, sessionHash: hash };
}

/** Starts a staff session and returns its token. */
export async function createStaffSession(db: Kysely<TenantSchema>, staffId: string): Promise<string> {
  const { token, hash } = newSessionToken();
  await db.insertInto('sessions').values({ token_hash: hash, staff_id: staffId }).execute();
  return token;
}

/** Ends one session. */
export async function endStaffSession(db: Kysely<TenantSchema>, hash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hash).execute();
}

/** Ends every session of a staff member (password change, disabling). */
export async function endAllStaffSessions(db: Kysely<TenantSchema>, staffId: string): Promise<void> {
  await db.deleteFrom('sessions').where('staff_id', '=', staffId).execute();
}

/** The active operator behind a session token, or undefined (`clock` judges expiry). */
export async function loadOperatorSession(db: Kysely<ControlSchema>, token: string, limits: SessionLimits, clock: Clock = systemClock) {
  const hash = hashToken(token);
  const row = await db
    .selectFrom('operator_sessions')
    .innerJoin('operators', 'operators.id', 'operator_sessions.operator_id')
    .select(['operator_sessions.created_at', 'operator_sessions.last_seen_at', 'operators.id', 'operators.username', 'operators.status'])
    .where('operator_sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = clock.now();
  if (row.status !== 'active' || expired(row, limits, now)) {
    await db.deleteFrom('operator_sessions').where('token_hash', '=', hash).execute();
    return undefined;
  }
  if (now - row.last_seen_at.getTime() > Math.min(touchEveryMs, limits.idleMs / 4)) {
    await db.updateTable('operator_sessions').set({ last_seen_at: new Date(now) }).where('token_hash', '=', hash).execute();
  }
  return { id: row.id, username: row.username, sessionHash: hash };
}

/** Starts an operator session and returns its token. */
export async function createOperatorSession(db: Kysely<ControlSchema>, operatorId: string): Promise<string> {
  const { token, hash } = newSessionToken();
  await db.insertInto('operator_sessions').values({ token_hash: hash, operator_id: operatorId }).execute();
  return token;
}

/** The vet behind a session token, or undefined (`clock` judges expiry). Disabled and rejected vets have no session. */
export async function loadVetSession(db: Kysely<ControlSchema>, token: string, limits: SessionLimits, clock: Clock = systemClock) {
  const hash = hashToken(token);
  const row = await db
    .selectFrom('vet_sessions')
    .innerJoin('vets', 'vets.id', 'vet_sessions.vet_id')
    .select(['vet_sessions.created_at', 'vet_sessions.last_seen_at', 'vets.id', 'vets.name_enc', 'vets.status'])
    .where('vet_sessions.token_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = clock.now();
  if (row.status === 'disabled' || row.status === 'rejected' || expired(row, limits, now)) {
    await db.deleteFrom('vet_sessions').where('token_hash', '=', hash).execute();
    return undefined;
  }
  if (now - row.last_seen_at.getTime() > Math.min(touchEveryMs, limits.idleMs / 4)) {
    await db.updateTable('vet_sessions').set({ last_seen_at: new Date(now) }).where('token_hash', '=', hash).execute();
  }
  return { id: row.id, nameEnc: row.name_enc, status: row.status, sessionHash: hash };
}

/** Starts a vet session and returns its token. */
export async function createVetSession(db: Kysely<ControlSchema>, vetId: string): Promise<string> {
  const { token, hash } = newSessionToken();
  await db.insertInto('vet_sessions').values({ token_hash: hash, vet_id: vetId }).execute();
  return token;
}

/** Which cookie carries a session: scoped to the tenant's path on a single box, `__Host-` on https. */
export interface CookieSpec {
  name: string;
  path: string;
  secure: boolean;
}

/** The session cookie for a tenant's pages (basePath '' means the tenant has its own hostname). */
export function tenantCookie(config: Config, basePath: string): CookieSpec {
  const secure = config.secureCookies;
  if (basePath === '') return { name: secure ? '__Host-kona_sid' : 'kona_sid', path: '/', secure };
  // __Host- demands Path=/; a path-scoped cookie on https gets __Secure- instead.
  return { name: secure ? '__Secure-kona_sid' : 'kona_sid', path: `${basePath}/`, secure };
}

/** The operator console's session cookie. */
export function operatorCookie(config: Config): CookieSpec {
  return { name: config.secureCookies ? '__Host-kona_op' : 'kona_op', path: '/', secure: config.secureCookies };
}

/** The vet pages' session cookie (its own name, so a vet who also works at a rescue keeps both). */
export function vetCookie(config: Config): CookieSpec {
  return { name: config.secureCookies ? '__Host-kona_vet' : 'kona_vet', path: '/', secure: config.secureCookies };
}

/** The pre-session cookie that anonymous forms' CSRF tokens are bound to. */
export function preSessionCookie(config: Config): CookieSpec {
  return { name: config.secureCookies ? '__Host-kona_csrf' : 'kona_csrf', path: '/', secure: config.secureCookies };
}

/** Sets a session-like cookie: HttpOnly, SameSite=Lax, Secure on https, no Max-Age (ends with the browser). */
export function setCookie(reply: FastifyReply, spec: CookieSpec, value: string): void {
  reply.setCookie(spec.name, value, { path: spec.path, httpOnly: true, sameSite: 'lax', secure: spec.secure });
}

/** Clears a cookie set by {@link setCookie}. */
export function clearCookie(reply: FastifyReply, spec: CookieSpec): void {
  reply.clearCookie(spec.name, { path: spec.path, httpOnly: true, sameSite: 'lax', secure: spec.secure });
}

/** Reads a cookie by spec. */
export function readCookie(request: FastifyRequest, spec: CookieSpec): string | undefined {
  return request.cookies[spec.name];
}
