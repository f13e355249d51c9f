import type { Kysely } from 'kysely';
import { commonTables, type ControlSchema, type EitherKysely } from '../db/schema.js';

/** Who did something: a staff member, an operator, a vet, the system (jobs, start-up) or the public. */
export interface Actor {
  type: 'staff' | 'operator' | 'vet' | 'system' | 'public';
  id?: string | null;
}

/** One audit entry. Details must never hold PII: ids and field names, not values. */
export interface AuditEntry {
  actor: Actor;
  action: string;
  target?: { type: string; id: string };
  detail?: Record<string, unknown>;
}

/** Appends an entry to a database's audit log (tenant or control plane); the table refuses edits. */
export async function recordAudit(db: EitherKysely, entry: AuditEntry): Promise<void> {
  await commonTables(db).insertInto('audit_log').values(auditRow(entry)).execute();
}

function auditRow(entry: AuditEntry) {
  return {
    actor_type: entry.actor.type,
    actor_id: entry.actor.id ?? null,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  };
}

/** Appends a cross-tenant event to the control plane's audit log. */
export async function recordControlAudit(db: Kysely<ControlSchema>, entry: AuditEntry & { tenant?: string }): Promise<void> {
  await db.insertInto('audit_log').values({ ...auditRow(entry), tenant_slug: entry.tenant ?? null }).execute();
}

/** The newest audit entries, newest first. */
export function listAudit(db: EitherKysely, limit = 100) {
  return commonTables(db).selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
