import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ContactRole, TenantSchema } from '../../platform/db/schema.js';
import { appendContactRole, insertContact, selectContact, selectContactsByHashes, updateContact } from './people.queries.js';
import { decOrEmpty, emailHash, encOrNull, foldName, phoneHash } from './people.values.js';

type Db = Kysely<TenantSchema>;
type ContactRow = NonNullable<Awaited<ReturnType<typeof selectContact>>>;

/** A contact's decrypted details, as other features may see them. */
export interface ContactDetails {
  id: string;
  roles: ContactRole[];
  name: string;
  email: string;
  phone: string;
  address: string;
  organisation: string;
}

/** Another contact sharing an email or phone number under another name. */
export interface LikelyDuplicate {
  contactId: string;
  name: string;
  matchedOn: ('email' | 'phone')[];
}

/** What an applicant typed about themselves on the public form. */
export interface ApplicantInput {
  name: string;
  email: string;
  phone?: string;
  address?: string;
}

/** Decrypts a contact row's details. */
export function contactDetails(ring: KeyRing, row: ContactRow): ContactDetails {
  return {
    id: row.id, roles: row.roles, name: ring.decrypt(row.name_enc), email: decOrEmpty(ring, row.email_enc),
    phone: decOrEmpty(ring, row.phone_enc), address: decOrEmpty(ring, row.address_enc), organisation: row.organisation,
  };
}

/** One contact's details, or undefined when there is none with this id. */
export async function readContact(db: Db, ring: KeyRing, id: string): Promise<ContactDetails | undefined> {
  const row = await selectContact(db, id);
  return row ? contactDetails(ring, row) : undefined;
}

/** Adds a role to a contact (no-op when it already holds it). */
export async function addContactRole(db: Db, contactId: string, role: ContactRole): Promise<void> {
  await appendContactRole(db, contactId, role);
}

/** Other contacts with the same email or phone under another name (likely the same person). */
export async function likelyDuplicates(db: Db, ring: KeyRing, contactId: string): Promise<LikelyDuplicate[]> {
  const me = await selectContact(db, contactId);
  if (!me) return [];
  const myName = foldName(ring.decrypt(me.name_enc));
  const out: LikelyDuplicate[] = [];
  for (const row of await selectContactsByHashes(db, me.email_hash, me.phone_hash)) {
    if (row.id === me.id) continue;
    const name = ring.decrypt(row.name_enc);
    if (foldName(name) === myName) continue;
    const matchedOn: ('email' | 'phone')[] = [];
    if (me.email_hash && row.email_hash === me.email_hash) matchedOn.push('email');
    if (me.phone_hash && row.phone_hash === me.phone_hash) matchedOn.push('phone');
    out.push({ contactId: row.id, name, matchedOn });
  }
  return out;
}

/**
 * Finds the applicant's contact (same email, else same phone, and the same name), or creates one;
 * either way it holds the applicant role. Also says how many other contacts look like the same
 * person under another name. The public form is anonymous: knowing someone's name and email must
 * not let anyone rewrite their record, so a found contact only gains the details it lacked.
 */
export async function upsertApplicantContact(db: Db, ring: KeyRing, input: ApplicantInput): Promise<{ contactId: string; likelyDuplicates: number }> {
  const eHash = emailHash(ring, input.email);
  const pHash = phoneHash(ring, input.phone);
  const name = foldName(input.name);
  const candidates = await selectContactsByHashes(db, eHash, pHash);
  const same = candidates.find((r) => foldName(ring.decrypt(r.name_enc)) === name && (eHash ? r.email_hash === eHash : r.phone_hash === pHash));
  const fields = {
    name_enc: ring.encrypt(input.name.trim()), email_enc: encOrNull(ring, input.email), email_hash: eHash,
    ...(pHash ? { phone_enc: encOrNull(ring, input.phone), phone_hash: pHash } : {}),
    ...(input.address?.trim() ? { address_enc: encOrNull(ring, input.address) } : {}),
  };
  let contactId: string;
  if (same) {
    contactId = same.id;
    const missing = {
      ...(pHash && !same.phone_hash ? { phone_enc: fields.phone_enc, phone_hash: pHash } : {}),
      ...(input.address?.trim() && !same.address_enc ? { address_enc: fields.address_enc } : {}),
    };
    if (Object.keys(missing).length > 0) await updateContact(db, contactId, missing);
    await appendContactRole(db, contactId, 'applicant');
  } else {
    contactId = await insertContact(db, {
      phone_enc: null, phone_hash: null, address_enc: null, ...fields, roles: ['applicant'], notes_enc: null, organisation: '', created_by: null,
    });
  }
  return { contactId, likelyDuplicates: (await likelyDuplicates(db, ring, contactId)).length };
}

// What other features may use of this one, from the files that hold it (the field schemas are for
// a person's details on other features' forms, such as the public application form).
export { exportContacts, type ExportedContact } from './people.export.js';
export { optionalEmailSchema, optionalPhoneSchema, personNameSchema } from './people.schema.js';
export { contactDetailsHiddenReason, contactDetailsShown, withoutContactDetails } from './people.privacy.js';
