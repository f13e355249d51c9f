import { recordAudit } from '../../platform/audit/audit.js';
import { assertNotThrottled, recordAttempt, type ThrottleLimits, type ThrottleStore } from '../../platform/auth/login-throttle.js';
import { verifyDummy, verifyPassword } from '../../platform/auth/passwords.js';
import { createStaffSession, endStaffSession } from '../../platform/http/sessions.js';
import { emailHash, findStaffByEmail, findStaffById, setPassword, type StaffDeps } from '../staff/staff.public.js';

/** Outcome of a sign-in attempt. */
export type SignInResult = { ok: true; token: string; staffId: string } | { ok: false };

/**
 * Checks credentials under the throttle and starts a fresh session. The answer for a wrong
 * password, an unknown email and a disabled account is the same, and takes the same time.
 * The account is counted in the rescue; the address across all rescues, on the control plane (`shared`).
 */
export async function signIn(
  deps: StaffDeps,
  input: { email: string; password: string; address: string; previousSessionHash?: string },
  limits: ThrottleLimits,
  shared: NonNullable<ThrottleStore['shared']>,
): Promise<SignInResult> {
  const accountKey = emailHash(deps.keyRing, input.email);
  const throttle: ThrottleStore = { db: deps.db, keyRing: deps.keyRing, shared };
  await assertNotThrottled(throttle, accountKey, input.address, limits);
  const staff = await findStaffByEmail(deps, input.email);
  const valid = staff ? await verifyPassword(staff.password_hash, input.password) : await verifyDummy(input.password);
  if (!staff || !valid || staff.status !== 'active') {
    await recordAttempt(throttle, accountKey, input.address, false);
    if (staff) await recordAudit(deps.db, { actor: { type: 'public' }, action: 'staff.sign_in_failed', target: { type: 'staff', id: staff.id } });
    return { ok: false };
  }
  await recordAttempt(throttle, accountKey, input.address, true);
  // A new session id at every sign-in: a session fixed before sign-in is never promoted.
  if (input.previousSessionHash) await endStaffSession(deps.db, input.previousSessionHash);
  const token = await createStaffSession(deps.db, staff.id);
  await recordAudit(deps.db, { actor: { type: 'staff', id: staff.id }, action: 'staff.signed_in', target: { type: 'staff', id: staff.id } });
  return { ok: true, token, staffId: staff.id };
}

/** Ends the current session. */
export async function signOut(deps: StaffDeps, staffId: string, sessionHash: string): Promise<void> {
  await endStaffSession(deps.db, sessionHash);
  await recordAudit(deps.db, { actor: { type: 'staff', id: staffId }, action: 'staff.signed_out', target: { type: 'staff', id: staffId } });
}

/** Changes one's own password after checking the current one; every session ends, a new one starts. */
export async function changeOwnPassword(deps: StaffDeps, staffId: string, current: string, next: string): Promise<{ ok: true; token: string } | { ok: false }> {
  const staff = await findStaffById(deps, staffId);
  if (!staff || !(await verifyPassword(staff.password_hash, current))) return { ok: false };
  await setPassword(deps, staffId, next, { type: 'staff', id: staffId });
  return { ok: true, token: await createStaffSession(deps.db, staffId) };
}
