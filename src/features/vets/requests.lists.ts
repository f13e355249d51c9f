/** The request lists as pages show them: the vet's own (home), and one rescue's (hub). */
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ControlSchema, TenantSchema, VetAccessStatus, VetStatus } from '../../platform/db/schema.js';
import type { TenantDatabases } from '../../platform/tenancy/tenant-databases.js';
import { selectRescueRequest, selectRescueRequests, selectVetRequests } from './requests.queries.js';
import { rescueNamedByRecord } from '../../platform/tenancy/fan-out.js';

/** One of the vet's requests on their home page. */
export interface VetRequestRow { id: string; dogName: string; rescueName: string; status: VetAccessStatus; askedAt: Date; decidedAt: Date | null; expiresAt: Date | null; open: boolean }

async function dogNames(db: Kysely<TenantSchema>, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  return new Map((await db.selectFrom('dogs').select(['id', 'name']).where('id', 'in', ids).execute()).map((d) => [d.id, d.name]));
}

/** A vet's requests, newest first, with each dog's and rescue's name; `open` for an approved grant not yet expired. */
export async function vetRequestRows(control: Kysely<ControlSchema>, tenants: TenantDatabases, vetId: string, now: number): Promise<VetRequestRow[]> {
  const rows = await selectVetRequests(control, vetId);
  const slugs = [...new Set(rows.map((r) => r.tenant_slug))];
  const rescues = new Map((slugs.length ? await control.selectFrom('tenants').select(['slug', 'name']).where('slug', 'in', slugs).execute() : []).map((t) => [t.slug, t.name]));
  const names = new Map<string, Map<string, string>>();
  for (const slug of slugs) {
    const handle = await rescueNamedByRecord(tenants, slug);
    names.set(slug, handle ? await dogNames(handle.db.kysely, rows.filter((r) => r.tenant_slug === slug).map((r) => r.dog_id)) : new Map());
  }
  return rows.map((r) => ({
    id: r.id, dogName: names.get(r.tenant_slug)?.get(r.dog_id) ?? 'A dog no longer listed', rescueName: rescues.get(r.tenant_slug) ?? r.tenant_slug,
    status: r.status, askedAt: r.created_at, decidedAt: r.revoked_at ?? r.decided_at, expiresAt: r.expires_at,
    open: r.status === 'approved' && !!r.expires_at && r.expires_at.getTime() > now,
  }));
}

/** One request as the rescue's staff see it: the vet's details decrypted, the dog named. */
export interface RescueRequestRow {
  id: string; status: VetAccessStatus; vetName: string; clinic: string; clinicArea: string; licence: string; vetStatus: VetStatus;
  dogId: string; dogName: string; reason: string; decisionReason: string; askedAt: Date; decidedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null; open: boolean;
}

type Row = NonNullable<Awaited<ReturnType<typeof selectRescueRequest>>>;

function shown(ring: KeyRing, r: Row, dogName: string, now: number): RescueRequestRow {
  return {
    id: r.id, status: r.status, vetName: ring.decrypt(r.name_enc), clinic: ring.decrypt(r.clinic_enc), clinicArea: r.clinic_area, licence: ring.decrypt(r.licence_enc), vetStatus: r.vet_status,
    dogId: r.dog_id, dogName, reason: ring.decrypt(r.reason_enc), decisionReason: r.decision_reason_enc ? ring.decrypt(r.decision_reason_enc) : '',
    askedAt: r.created_at, decidedAt: r.decided_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
    open: r.status === 'approved' && !!r.expires_at && r.expires_at.getTime() > now,
  };
}

/** This rescue's requests, pending first. */
export async function rescueRequestRows(control: Kysely<ControlSchema>, db: Kysely<TenantSchema>, ring: KeyRing, slug: string, now: number): Promise<RescueRequestRow[]> {
  const rows = await selectRescueRequests(control, slug);
  const names = await dogNames(db, [...new Set(rows.map((r) => r.dog_id))]);
  return rows.map((r) => shown(ring, r, names.get(r.dog_id) ?? 'A dog no longer on record', now));
}

/** One of this rescue's requests, or undefined (another rescue's request is not found). */
export async function rescueRequestRow(control: Kysely<ControlSchema>, db: Kysely<TenantSchema>, ring: KeyRing, slug: string, id: string, now: number): Promise<RescueRequestRow | undefined> {
  const r = await selectRescueRequest(control, slug, id);
  if (!r) return undefined;
  return shown(ring, r, (await dogNames(db, [r.dog_id])).get(r.dog_id) ?? 'A dog no longer on record', now);
}
