/**
 * Consent: a verified vet asks a rescue for access to one dog, and the rescue's staff approve (for
 * a number of days), deny (with a reason) or later revoke. The request row in the control plane is
 * the grant the vets-access pages check on every request. Each step is written to the control
 * plane's audit log and to the rescue's own (ids and field names only), the rescue's staff are
 * notified of a new request, and the vet is emailed each decision through the rescue's outbox.
 */
import type { Kysely } from 'kysely';
import { recordAudit, recordControlAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ControlSchema, TenantSchema } from '../../platform/db/schema.js';
import type { Database } from '../../platform/db/driver.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail, rescueMailSender } from '../../platform/mail/index.js';
import type { TenantDatabases } from '../../platform/tenancy/tenant-databases.js';
import { inCareStatuses } from '../matching/matching.public.js';
import { notify } from '../notifications/notifications.public.js';
import { insertOrFindPending, selectRescueRequest, updateDecision } from './requests.queries.js';
import { selectVetSearchSetting } from './search.queries.js';
import { refusedRef, type CandidateRef } from './search.ref.js';
import { rescueNamedByRecord } from '../../platform/tenancy/fan-out.js';

/** What a request needs: the control plane, the rescues and the key ring. */
export interface RequestDeps { control: Kysely<ControlSchema>; tenants: TenantDatabases; keyRing: KeyRing; now: number }

/** The dog a checked reference names, while it is in care at a rescue that lets vets find it. */
export async function dogOfRef(tenants: TenantDatabases, ref: CandidateRef): Promise<{ db: Kysely<TenantSchema>; dog: { id: string; name: string } }> {
  const handle = await rescueNamedByRecord(tenants, ref.tenant);
  if (!handle || !(await selectVetSearchSetting(handle.db.kysely)).on) throw refusedRef();
  const dog = await handle.db.kysely.selectFrom('dogs').select(['id', 'name']).where('id', '=', ref.dogId).where('status', 'in', [...inCareStatuses]).executeTakeFirst();
  if (!dog) throw new KonaError('KONA_ERR_NOT_FOUND', 'This dog is no longer in the rescue\u2019s care, so access cannot be asked for here. Contact the rescue directly.');
  return { db: handle.db.kysely, dog };
}

/** Records a vet's request (or finds the one already pending for the dog), audits it and tells the rescue's staff. */
export async function requestAccess(deps: RequestDeps, vetId: string, ref: CandidateRef, reason: string): Promise<{ id: string; created: boolean; dogName: string }> {
  const { db, dog } = await dogOfRef(deps.tenants, ref);
  const { id, created } = await insertOrFindPending(deps.control, { vet_id: vetId, tenant_slug: ref.tenant, dog_id: dog.id, reason_enc: deps.keyRing.encrypt(reason), created_at: new Date(deps.now) });
  if (!created) return { id, created, dogName: dog.name };
  const actor: Actor = { type: 'vet', id: vetId };
  const target = { type: 'vet_access_request', id };
  await recordControlAudit(deps.control, { actor, action: 'vet.request', target, tenant: ref.tenant, detail: { dogId: dog.id, fields: ['reason'] } });
  await db.transaction().execute(async (tx) => {
    await recordAudit(tx, { actor, action: 'vet.request', target, detail: { dogId: dog.id, fields: ['reason'] } });
    await notify(tx, {
      kind: 'vet.request', title: `A vet asks for access to ${dog.name}'s medical record`,
      body: 'A verified vet treating this dog asks to read its medical record and message the rescue. Approve or deny it on the Vet access page.',
      link: `/hub/vet-requests/${id}`, recipients: { roles: ['admin', 'staff'] }, dedupeKey: `vet.request:${id}`,
    });
  });
  return { id, created, dogName: dog.name };
}

/** A decision on one of the rescue's requests. */
export type DecisionInput = { to: 'approved'; days: number } | { to: 'denied'; reason: string } | { to: 'revoked'; reason: string };

/** Where a decision is made: the rescue's database, name and contact, and who decides. */
export interface DecisionScope { slug: string; database: Database<TenantSchema>; rescueName: string; staffId: string; jobs: JobRegistry; publicUrl: URL }

const needs: Record<DecisionInput['to'], string> = { approved: 'pending', denied: 'pending', revoked: 'approved' };

/** Applies a decision to a request of this rescue only (another rescue's is a 404), audits it and emails the vet. */
export async function decideRequest(deps: RequestDeps, scope: DecisionScope, id: string, d: DecisionInput): Promise<void> {
  const row = await selectRescueRequest(deps.control, scope.slug, id);
  if (!row) throw notFound('That vet access request');
  const at = new Date(deps.now);
  const ring = deps.keyRing;
  const decision = d.to === 'approved' ? { to: d.to, expires_at: new Date(deps.now + d.days * 86_400_000) }
    : d.to === 'denied' ? { to: d.to, decision_reason_enc: ring.encrypt(d.reason) } : { to: d.to, decision_reason_enc: d.reason ? ring.encrypt(d.reason) : null };
  if (!(await updateDecision(deps.control, scope.slug, id, scope.staffId, at, decision))) {
    throw new KonaError('KONA_ERR_CONFLICT', `This request is ${row.status}, so it cannot be ${d.to} now: only a ${needs[d.to]} request can. Reload the page to see where it stands.`);
  }
  const actor: Actor = { type: 'staff', id: scope.staffId };
  const target = { type: 'vet_access_request', id };
  const detail = { dogId: row.dog_id, vetId: row.vet_id, ...(d.to === 'approved' ? { days: d.days } : { reasonGiven: d.reason !== '' }) };
  await recordControlAudit(deps.control, { actor, action: `vet.request_${d.to}`, target, tenant: scope.slug, detail });
  await recordAudit(scope.database.kysely, { actor, action: `vet.request_${d.to}`, target, detail });
  await emailVet(deps, scope, row, d, decision);
}

async function emailVet(deps: RequestDeps, scope: DecisionScope, row: { id: string; dog_id: string; email_enc: string }, d: DecisionInput, decision: { expires_at?: Date }) {
  const settings = await scope.database.kysely.selectFrom('rescue_settings').select('contact_email').executeTakeFirst();
  const dog = await scope.database.kysely.selectFrom('dogs').select('name').where('id', '=', row.dog_id).executeTakeFirst();
  const dogName = dog?.name ?? 'the dog';
  const link = new URL(d.to === 'approved' ? `/vet/access/${row.id}` : '/vet', scope.publicUrl).href;
  const text = d.to === 'approved'
    ? [`${scope.rescueName} approved your request for access to ${dogName}'s medical record, until ${decision.expires_at!.toISOString().slice(0, 10)}.`, '', `Read the record and message the rescue here: ${link}`]
    : d.to === 'denied'
      ? [`${scope.rescueName} did not approve your request for access to ${dogName}'s medical record.`, '', `Their reason: ${d.reason}`, '', `Your requests: ${link}`]
      : [`${scope.rescueName} ended your access to ${dogName}'s medical record.`, ...(d.reason ? ['', `Their reason: ${d.reason}`] : []), '', `Your requests: ${link}`];
  const words = { approved: 'approved', denied: 'not approved', revoked: 'ended' }[d.to];
  await enqueueMail(scope.database, scope.jobs, deps.keyRing, {
    to: deps.keyRing.decrypt(row.email_enc), ...rescueMailSender(scope.rescueName, settings?.contact_email || undefined),
    subject: `Access to ${dogName}'s record ${words}`, text: text.join('\n'),
  }, { idempotencyKey: `vet-decision:${row.id}:${d.to}` });
}
