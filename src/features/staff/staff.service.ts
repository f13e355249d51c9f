import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { normaliseEmail, type KeyRing } from '../../platform/crypto/keyring.js';
import type { StaffRole } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { endAllStaffSessions } from '../../platform/http/sessions.js';
import { fieldErrors } from '../../platform/http/forms.js';
import type { TenantDeps } from '../../platform/http/replies.js';
import { newStaffSchema, type NewStaff } from './staff.schema.js';
import { countActiveAdmins, insertStaff, selectAllStaff, selectStaffByEmailHash, selectStaffById, selectStaffNamesByIds, updateStaff } from './staff.queries.js';

/** What staff operations need: the tenant's database and the PII key ring. */
export type StaffDeps = TenantDeps;

/** Keyed hash of an email, the only form in which emails can be searched. */
export function emailHash(keyRing: KeyRing, email: string): string {
  return keyRing.blindIndex(`email:${normaliseEmail(email)}`);
}

/** Creates a staff account; refuses a second account with the same email. */
export async function createStaff(deps: StaffDeps, input: NewStaff, actor: Actor): Promise<string> {
  const parsed = newStaffSchema.safeParse(input);
  if (!parsed.success) throw new KonaError('KONA_ERR_VALIDATION', 'The account details are not valid.', { fields: fieldErrors(parsed.error) });
  const s = parsed.data;
  const hash = emailHash(deps.keyRing, s.email);
  if (await selectStaffByEmailHash(deps.db, hash)) {
    throw new KonaError('KONA_ERR_CONFLICT', 'Someone at this rescue already has an account with that email.', { fields: { email: 'already has an account here' } });
  }
  const id = await insertStaff(deps.db, {
    email_enc: deps.keyRing.encrypt(normaliseEmail(s.email)),
    email_hash: hash,
    name_enc: deps.keyRing.encrypt(s.name),
    role: s.role,
    password_hash: await hashPassword(s.password),
  });
  await recordAudit(deps.db, { actor, action: 'staff.created', target: { type: 'staff', id }, detail: { role: s.role } });
  return id;
}

/** Every staff member with decrypted name and email, for the admin's staff page. */
export async function listStaff(deps: StaffDeps) {
  const rows = await selectAllStaff(deps.db);
  return rows.map((r) => ({
    id: r.id,
    name: deps.keyRing.decrypt(r.name_enc),
    email: deps.keyRing.decrypt(r.email_enc),
    role: r.role,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/** The account an email signs in to, if any. */
export function findStaffByEmail(deps: StaffDeps, email: string) {
  return selectStaffByEmailHash(deps.db, emailHash(deps.keyRing, email));
}

async function assertKeepsAnAdmin(deps: StaffDeps, id: string, next: { role?: StaffRole; status?: 'disabled' }) {
  const current = await selectStaffById(deps.db, id);
  if (!current) throw new KonaError('KONA_ERR_NOT_FOUND', 'That staff member does not exist.');
  const losesAdmin = current.role === 'admin' && current.status === 'active' && (next.status === 'disabled' || (next.role && next.role !== 'admin'));
  if (losesAdmin && (await countActiveAdmins(deps.db)) <= 1) {
    throw new KonaError('KONA_ERR_CONFLICT', 'This is the rescue\'s only active admin. Make someone else an admin first.');
  }
  return current;
}

/** Changes a member's role. */
export async function changeRole(deps: StaffDeps, id: string, role: StaffRole, actor: Actor): Promise<void> {
  const current = await assertKeepsAnAdmin(deps, id, { role });
  await updateStaff(deps.db, id, { role });
  await recordAudit(deps.db, { actor, action: 'staff.role_changed', target: { type: 'staff', id }, detail: { from: current.role, to: role } });
}

/** Disables an account and ends its sessions at once. */
export async function disableStaff(deps: StaffDeps, id: string, actor: Actor): Promise<void> {
  await assertKeepsAnAdmin(deps, id, { status: 'disabled' });
  await updateStaff(deps.db, id, { status: 'disabled' });
  await endAllStaffSessions(deps.db, id);
  await recordAudit(deps.db, { actor, action: 'staff.disabled', target: { type: 'staff', id } });
}

/** Re-enables a disabled account. */
export async function enableStaff(deps: StaffDeps, id: string, actor: Actor): Promise<void> {
  if (!(await updateStaff(deps.db, id, { status: 'active' }))) throw new KonaError('KONA_ERR_NOT_FOUND', 'That staff member does not exist.');
  await recordAudit(deps.db, { actor, action: 'staff.enabled', target: { type: 'staff', id } });
}

/** Sets a new password and ends every session of that person (the caller starts a fresh one). */
export async function setPassword(deps: StaffDeps, id: string, password: string, actor: Actor): Promise<void> {
  await updateStaff(deps.db, id, { password_hash: await hashPassword(password), password_changed_at: new Date() });
  await endAllStaffSessions(deps.db, id);
  await recordAudit(deps.db, { actor, action: 'staff.password_changed', target: { type: 'staff', id } });
}

/** Display names of staff members by id (ids not found are left out). */
export async function staffNamesByIds(deps: StaffDeps, ids: string[]): Promise<Map<string, string>> {
  const rows = await selectStaffNamesByIds(deps.db, ids);
  return new Map(rows.map((s) => [s.id, deps.keyRing.decrypt(s.name_enc)]));
}

/** One staff row by id, for checks such as the current password. */
export function findStaffById(deps: StaffDeps, id: string) {
  return selectStaffById(deps.db, id);
}
