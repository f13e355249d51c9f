/**
 * Vet accounts: registering (pending until an operator or a rescue's admin verifies it), signing
 * in and out. Everything a vet typed about themselves is encrypted; the email and licence are
 * found by keyed hashes. Sign-in follows the operator console: argon2id, the shared throttle, a
 * fresh session id every time and the same answer for every failure.
 */
import type { Kysely } from 'kysely';
import { recordControlAudit } from '../../platform/audit/audit.js';
import { assertNotThrottled, recordAttempt, type ThrottleLimits } from '../../platform/auth/login-throttle.js';
import { hashPassword, verifyDummy, verifyPassword } from '../../platform/auth/passwords.js';
import type { Clock } from '../../platform/clock/clock.js';
import { normaliseEmail } from '../../platform/crypto/keyring.js';
import type { ControlSchema, VetStatus } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { createVetSession } from '../../platform/http/sessions.js';
import { takeRegistrationAllowance } from './accounts.limits.js';
import { queueVetMail, type VetMailDeps } from './accounts.mail.js';
import type { Registration } from './accounts.schema.js';
import { vetEmailHash, vetLicenceHash } from './vets.keys.js';

/** What vet accounts need: the control plane, the key ring, mail and the clock. */
export interface VetAccountDeps extends VetMailDeps {
  control: Kysely<ControlSchema>;
  clock: Clock;
}

/** The refusal for a second account with the same email or licence number (which one is not said). */
export const duplicateVetMessage = 'An account with this email or licence number already exists. Sign in instead, or ask the Kona operator if you cannot.';

function isDuplicate(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e?.code === '23505' && /vets_(email|licence)_hash/.test(`${e.constraint ?? ''} ${e.message ?? ''}`);
}

/** Ends a vet's session (the one presented before a sign-in or registration, or at sign-out). */
async function endSession(control: Kysely<ControlSchema>, hash: string | undefined): Promise<void> {
  if (hash) await control.deleteFrom('vet_sessions').where('token_hash', '=', hash).execute();
}

/**
 * Registers a vet as pending, emails them that it was received and signs them in. Throws
 * KONA_ERR_RATE_LIMITED past the per-address limit and KONA_ERR_CONFLICT for a taken email or licence.
 */
export async function registerVet(deps: VetAccountDeps, input: Registration & { address: string; previousSessionHash?: string }): Promise<{ id: string; token: string }> {
  await takeRegistrationAllowance(deps.control, deps.keyRing, input.address, deps.clock.now());
  const ring = deps.keyRing;
  const email_hash = vetEmailHash(ring, input.email);
  const licence_hash = vetLicenceHash(ring, input.licence);
  const taken = await deps.control.selectFrom('vets').select('id').where((eb) => eb.or([eb('email_hash', '=', email_hash), eb('licence_hash', '=', licence_hash)])).executeTakeFirst();
  if (taken) throw new KonaError('KONA_ERR_CONFLICT', duplicateVetMessage);
  const password_hash = await hashPassword(input.password);
  let id: string;
  try {
    id = await deps.control.transaction().execute(async (tx) => {
      const row = await tx.insertInto('vets').values({
        name_enc: ring.encrypt(input.name), clinic_enc: ring.encrypt(input.clinic), clinic_area: input.area,
        licence_enc: ring.encrypt(input.licence), licence_hash, email_enc: ring.encrypt(normaliseEmail(input.email)), email_hash,
        password_hash, status: 'pending', created_at: new Date(deps.clock.now()),
      }).returning(['id', 'email_enc']).executeTakeFirstOrThrow();
      await queueVetMail(tx, deps, row.email_enc, {
        subject: 'Your Kona vet account is waiting for verification',
        lines: ['Hello,', '', 'Thank you for registering as a vet on Kona. The Kona operator or the admin of a rescue will check your licence number and verify your account; we will email you when they have.', 'Until then you can sign in, but not yet search for dogs.'],
      }, `vet-registered:${row.id}`);
      await recordControlAudit(tx, { actor: { type: 'vet', id: row.id }, action: 'vet.registered', target: { type: 'vet', id: row.id } });
      return row.id;
    });
  } catch (err) {
    if (isDuplicate(err)) throw new KonaError('KONA_ERR_CONFLICT', duplicateVetMessage);
    throw err;
  }
  await endSession(deps.control, input.previousSessionHash);
  return { id, token: await createVetSession(deps.control, id) };
}

/** Outcome of a vet sign-in attempt. */
export type VetSignInResult = { ok: true; token: string; vetId: string; status: VetStatus } | { ok: false };

// Pending vets sign in (to see that they are waiting); rejected and disabled ones do not.
const maySignIn = (status: VetStatus) => status === 'pending' || status === 'verified';

/** Checks a vet's credentials under the sign-in throttle and starts a fresh session. Every failure gets the same answer. */
export async function signInVet(deps: VetAccountDeps, input: { email: string; password: string; address: string; previousSessionHash?: string }, limits: ThrottleLimits): Promise<VetSignInResult> {
  const emailHash = vetEmailHash(deps.keyRing, input.email);
  const store = { db: deps.control, keyRing: deps.keyRing };
  const accountKey = deps.keyRing.blindIndex(`vet:${emailHash}`);
  await assertNotThrottled(store, accountKey, input.address, limits);
  const vet = await deps.control.selectFrom('vets').select(['id', 'password_hash', 'status']).where('email_hash', '=', emailHash).executeTakeFirst();
  const matches = vet ? await verifyPassword(vet.password_hash, input.password) : await verifyDummy(input.password);
  if (!vet || !matches || !maySignIn(vet.status)) {
    await recordAttempt(store, accountKey, input.address, false);
    if (vet) await recordControlAudit(deps.control, { actor: { type: 'public' }, action: 'vet.sign_in_failed', target: { type: 'vet', id: vet.id } });
    return { ok: false };
  }
  await recordAttempt(store, accountKey, input.address, true);
  // A new session id at every sign-in: a session fixed before sign-in is never promoted.
  await endSession(deps.control, input.previousSessionHash);
  const token = await createVetSession(deps.control, vet.id);
  await recordControlAudit(deps.control, { actor: { type: 'vet', id: vet.id }, action: 'vet.signed_in', target: { type: 'vet', id: vet.id } });
  return { ok: true, token, vetId: vet.id, status: vet.status };
}

/** Ends the vet's current session. */
export async function signOutVet(control: Kysely<ControlSchema>, vetId: string, sessionHash: string): Promise<void> {
  await endSession(control, sessionHash);
  await recordControlAudit(control, { actor: { type: 'vet', id: vetId }, action: 'vet.signed_out', target: { type: 'vet', id: vetId } });
}

/** What a vet sees of their own account. */
export interface VetAccountView { name: string; clinic: string; area: string; status: VetStatus; registeredAt: Date }

/** The signed-in vet's own account, decrypted. */
export async function vetAccount(deps: Pick<VetAccountDeps, 'control' | 'keyRing'>, vetId: string): Promise<VetAccountView | undefined> {
  const row = await deps.control.selectFrom('vets').select(['name_enc', 'clinic_enc', 'clinic_area', 'status', 'created_at']).where('id', '=', vetId).executeTakeFirst();
  if (!row) return undefined;
  return { name: deps.keyRing.decrypt(row.name_enc), clinic: deps.keyRing.decrypt(row.clinic_enc), area: row.clinic_area, status: row.status, registeredAt: row.created_at };
}
