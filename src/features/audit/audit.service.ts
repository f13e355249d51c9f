import { listAudit } from '../../platform/audit/audit.js';
import { type StaffDeps, staffNamesByIds } from '../staff/staff.public.js';

/** One audit entry as the audit page shows it. */
export interface AuditView {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  /** The staff member's current name, when the actor is a staff member who still exists. */
  actorName?: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetName?: string;
  detail: Record<string, unknown>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The newest entries of the rescue's audit log, staff actors and targets labelled with their names. */
export async function listAuditEntries(deps: StaffDeps, limit = 100): Promise<AuditView[]> {
  const rows = await listAudit(deps.db, limit);
  // Only well-formed ids go to the uuid column: a stray value must not fail the whole page.
  const staffIds = new Set<string>();
  for (const r of rows) {
    if (r.actor_type === 'staff' && r.actor_id && uuid.test(r.actor_id)) staffIds.add(r.actor_id);
    if (r.target_type === 'staff' && r.target_id && uuid.test(r.target_id)) staffIds.add(r.target_id);
  }
  const names = await staffNamesByIds(deps, [...staffIds]);
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorName: r.actor_type === 'staff' && r.actor_id ? names.get(r.actor_id) : undefined,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    targetName: r.target_type === 'staff' && r.target_id ? names.get(r.target_id) : undefined,
    detail: r.detail,
  }));
}
