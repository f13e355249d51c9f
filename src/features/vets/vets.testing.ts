/**
 * Test helpers for the vet care-team flow: a vet account written as the vets feature writes one
 * (name, clinic, licence and email encrypted; licence and email as keyed hashes), optionally
 * signed in through a session the test makes itself.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hashPassword } from '../../platform/auth/passwords.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ControlSchema, VetStatus } from '../../platform/db/schema.js';
import { createVetSession } from '../../platform/http/sessions.js';
import { vetEmailHash, vetLicenceHash } from './vets.keys.js';

/** A vet made for a test, with the password it can sign in with. */
export interface TestVet { id: string; name: string; clinic: string; email: string; licence: string; password: string }

/** Writes a vet account (verified unless told otherwise). */
export async function addTestVet(control: Kysely<ControlSchema>, keyRing: KeyRing, options: { status?: VetStatus; name?: string; clinic?: string; area?: string; email?: string; password?: string } = {}): Promise<TestVet> {
  const tag = randomBytes(4).toString('hex');
  const vet = {
    name: options.name ?? `Dr Test ${tag}`,
    clinic: options.clinic ?? 'Harbour Vets',
    email: options.email ?? `vet-${tag}@clinic.example`,
    licence: `LIC-${tag.toUpperCase()}`,
    password: options.password ?? 'correct horse battery staple',
  };
  const { id } = await control.insertInto('vets').values({
    name_enc: keyRing.encrypt(vet.name), clinic_enc: keyRing.encrypt(vet.clinic), clinic_area: options.area ?? 'Harbour Town',
    licence_enc: keyRing.encrypt(vet.licence), licence_hash: vetLicenceHash(keyRing, vet.licence),
    email_enc: keyRing.encrypt(vet.email), email_hash: vetEmailHash(keyRing, vet.email),
    password_hash: await hashPassword(vet.password), status: options.status ?? 'verified',
  }).returning('id').executeTakeFirstOrThrow();
  return { id, ...vet };
}

/** A session token for a vet (set it as the `vetCookie` on a Browser). */
export function vetSessionFor(control: Kysely<ControlSchema>, vetId: string): Promise<string> {
  return createVetSession(control, vetId);
}
