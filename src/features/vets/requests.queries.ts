/** The consent requests' SQL: `vet_access_requests` in the control plane, always scoped by vet or by rescue. */
import type { Kysely } from 'kysely';
import type { ControlSchema } from '../../platform/db/schema.js';

type Control = Kysely<ControlSchema>;

/** Writes a pending request, or finds the one already pending for the same vet, rescue and dog. */
export async function insertOrFindPending(db: Control, row: { vet_id: string; tenant_slug: string; dog_id: string; reason_enc: string; created_at: Date }): Promise<{ id: string; created: boolean }> {
  const made = await db.insertInto('vet_access_requests').values(row)
    .onConflict((oc) => oc.columns(['vet_id', 'tenant_slug', 'dog_id']).where('status', '=', 'pending').doNothing())
    .returning('id').executeTakeFirst();
  if (made) return { id: made.id, created: true };
  const found = await db.selectFrom('vet_access_requests').select('id').where('vet_id', '=', row.vet_id).where('tenant_slug', '=', row.tenant_slug)
    .where('dog_id', '=', row.dog_id).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return { id: found.id, created: false };
}

/** A vet's own requests, newest first. */
export function selectVetRequests(db: Control, vetId: string, limit = 200) {
  return db.selectFrom('vet_access_requests').select(['id', 'tenant_slug', 'dog_id', 'status', 'created_at', 'decided_at', 'expires_at', 'revoked_at'])
    .where('vet_id', '=', vetId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

const withVet = (db: Control) => db.selectFrom('vet_access_requests as r').innerJoin('vets as v', 'v.id', 'r.vet_id')
  .select(['r.id', 'r.vet_id', 'r.dog_id', 'r.status', 'r.reason_enc', 'r.decision_reason_enc', 'r.decided_by', 'r.created_at', 'r.decided_at', 'r.expires_at', 'r.revoked_at', 'r.revoked_by',
    'v.name_enc', 'v.clinic_enc', 'v.clinic_area', 'v.licence_enc', 'v.email_enc', 'v.status as vet_status']);

/** One rescue's requests, pending first, then newest. */
export function selectRescueRequests(db: Control, slug: string, limit = 200) {
  return withVet(db).where('r.tenant_slug', '=', slug)
    .orderBy((eb) => eb.case().when('r.status', '=', 'pending').then(0).else(1).end()).orderBy('r.created_at', 'desc').orderBy('r.id').limit(limit).execute();
}

/** One request of this rescue (never another's). */
export function selectRescueRequest(db: Control, slug: string, id: string) {
  return withVet(db).where('r.tenant_slug', '=', slug).where('r.id', '=', id).executeTakeFirst();
}

/** How many requests of this rescue wait for a decision. */
export async function countPendingRequests(db: Control, slug: string): Promise<number> {
  const row = await db.selectFrom('vet_access_requests').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_slug', '=', slug).where('status', '=', 'pending').executeTakeFirstOrThrow();
  return Number(row.n);
}

type Decision =
  | { to: 'approved'; expires_at: Date }
  | { to: 'denied'; decision_reason_enc: string }
  | { to: 'revoked'; decision_reason_enc: string | null };

/** Moves one of this rescue's requests from the status a decision needs; false when it was not in it. */
export async function updateDecision(db: Control, slug: string, id: string, by: string, at: Date, d: Decision): Promise<boolean> {
  const base = db.updateTable('vet_access_requests').where('tenant_slug', '=', slug).where('id', '=', id);
  const q = d.to === 'approved' ? base.set({ status: 'approved', decided_by: by, decided_at: at, expires_at: d.expires_at }).where('status', '=', 'pending')
    : d.to === 'denied' ? base.set({ status: 'denied', decided_by: by, decided_at: at, decision_reason_enc: d.decision_reason_enc }).where('status', '=', 'pending')
      : base.set({ status: 'revoked', revoked_by: by, revoked_at: at, ...(d.decision_reason_enc ? { decision_reason_enc: d.decision_reason_enc } : {}) }).where('status', '=', 'approved');
  return (await q.executeTakeFirst()).numUpdatedRows > 0n;
}
