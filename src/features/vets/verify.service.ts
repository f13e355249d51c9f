/**
 * Verifying vets: the operator (console) or the admin of any rescue (hub) decides whether a
 * registered vet is who they say, for all of Kona. Each decision is a compare-and-set on the vet's
 * status (two deciders at once: the second is told it was already decided), is audited on the
 * control plane (and in the deciding rescue's own log), and is emailed to the vet. Rejecting or
 * disabling a vet ends their sessions at once.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { recordAudit, recordControlAudit } from '../../platform/audit/audit.js';
import type { Clock } from '../../platform/clock/clock.js';
import type { ControlSchema, TenantSchema, VetStatus } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { queueVetMail, type VetMailDeps } from './accounts.mail.js';

/** What deciding about vets needs. */
export interface VerifyDeps extends VetMailDeps {
  control: Kysely<ControlSchema>;
  clock: Clock;
}

/** A decision about a vet account; the hub offers only verify and reject. */
export type VetDecision = 'verify' | 'reject' | 'disable' | 'enable';
/** The decisions a rescue's admin may take (the operator takes all of them). */
export const hubDecisions = ['verify', 'reject'] as const satisfies readonly VetDecision[];

/** Who decides: the operator, or an admin of one rescue (recorded with their rescue). */
export type Decider = { type: 'operator'; id: string } | { type: 'staff'; id: string; tenant: string; tenantDb: Kysely<TenantSchema> };

const rules: Record<VetDecision, { from: VetStatus[]; to: VetStatus; action: string }> = {
  verify: { from: ['pending', 'rejected'], to: 'verified', action: 'vet.verified' },
  reject: { from: ['pending'], to: 'rejected', action: 'vet.rejected' },
  disable: { from: ['verified'], to: 'disabled', action: 'vet.disabled' },
  enable: { from: ['disabled'], to: 'verified', action: 'vet.enabled' },
};

const mails: Record<VetDecision, { subject: string; lines: string[]; signInLink?: boolean }> = {
  verify: { subject: 'Your Kona vet account is verified', lines: ['Hello,', '', 'Your vet account on Kona has been verified. You can now sign in, find the rescue dogs you treat and ask their rescue for access to their medical record.'] },
  reject: { subject: 'Your Kona vet account was not verified', lines: ['Hello,', '', 'Your registration as a vet on Kona could not be verified, so the account cannot be used. If you think this is a mistake, contact the Kona operator or the rescue you work with.'], signInLink: false },
  disable: { subject: 'Your Kona vet account was disabled', lines: ['Hello,', '', 'Your vet account on Kona was disabled by the operator and you were signed out. Your access to rescue dogs ends with it. Contact the Kona operator if you think this is a mistake.'], signInLink: false },
  enable: { subject: 'Your Kona vet account is enabled again', lines: ['Hello,', '', 'Your vet account on Kona was enabled again by the operator. You can sign in as before.'] },
};

/**
 * Takes a decision about a vet and returns their new status. Throws KONA_ERR_NOT_FOUND for an
 * unknown vet and KONA_ERR_CONFLICT when their status does not allow it (already decided).
 */
export async function decideVet(deps: VerifyDeps, vetId: string, decision: VetDecision, decider: Decider): Promise<VetStatus> {
  const rule = rules[decision];
  const now = new Date(deps.clock.now());
  const actor = { type: decider.type, id: decider.id };
  const tenant = decider.type === 'staff' ? decider.tenant : null;
  const decided = await deps.control.transaction().execute(async (tx) => {
    const row = await tx.updateTable('vets').set({ status: rule.to, decided_by_type: decider.type, decided_by_id: decider.id, decided_by_tenant: tenant, decided_at: now })
      .where('id', '=', vetId).where('status', 'in', rule.from).returning(['id', 'email_enc']).executeTakeFirst();
    if (!row) return undefined;
    if (rule.to === 'rejected' || rule.to === 'disabled') await tx.deleteFrom('vet_sessions').where('vet_id', '=', vetId).execute();
    // Once per decision: the compare-and-set above already refuses a retried request.
    await queueVetMail(tx, deps, row.email_enc, mails[decision], `vet-decision:${vetId}:${decision}:${randomUUID()}`);
    await recordControlAudit(tx, { actor, action: rule.action, target: { type: 'vet', id: vetId }, detail: { status: rule.to }, ...(tenant ? { tenant } : {}) });
    return row;
  });
  if (!decided) {
    const current = await deps.control.selectFrom('vets').select('status').where('id', '=', vetId).executeTakeFirst();
    if (!current) throw notFound('That vet account');
    throw new KonaError('KONA_ERR_CONFLICT', `This vet's account is ${current.status} now, so it cannot be ${decision === 'verify' ? 'verified' : `${decision}d`}; someone may have decided it already. The list below is up to date.`);
  }
  if (decider.type === 'staff') await recordAudit(decider.tenantDb, { actor, action: rule.action, target: { type: 'vet', id: vetId }, detail: { status: rule.to } });
  return rule.to;
}

/** One vet as the deciding pages list them (decrypted for the page; never logged). */
export interface VetRow {
  id: string;
  name: string;
  email: string;
  clinic: string;
  area: string;
  licence: string;
  status: VetStatus;
  registeredAt: Date;
  decided?: { by: 'operator' | 'staff'; tenant: string | null; at: Date };
}

/** How many vets a deciding page lists at most (pending first). */
export const vetListLimit = 500;

/** Vets for a deciding page: pending ones first (longest waiting first), then the rest, newest first; `pendingOnly` for the hub. */
export async function listVets(deps: Pick<VerifyDeps, 'control' | 'keyRing'>, options: { pendingOnly?: boolean } = {}): Promise<VetRow[]> {
  let query = deps.control.selectFrom('vets').selectAll()
    .orderBy(sql`case when status = 'pending' then 0 else 1 end`)
    .orderBy(sql`case when status = 'pending' then created_at end`, 'asc')
    .orderBy('created_at', 'desc').limit(vetListLimit);
  if (options.pendingOnly) query = query.where('status', '=', 'pending');
  const ring = deps.keyRing;
  return (await query.execute()).map((r) => ({
    id: r.id, name: ring.decrypt(r.name_enc), email: ring.decrypt(r.email_enc), clinic: ring.decrypt(r.clinic_enc), area: r.clinic_area,
    licence: ring.decrypt(r.licence_enc), status: r.status, registeredAt: r.created_at,
    ...(r.decided_by_type && r.decided_at ? { decided: { by: r.decided_by_type, tenant: r.decided_by_tenant, at: r.decided_at } } : {}),
  }));
}
