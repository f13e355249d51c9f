import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ContactRole, TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import type { ContactForm, PeopleQuery } from './people.schema.js';
import { contactDetails, likelyDuplicates, type ContactDetails, type LikelyDuplicate } from './people.public.js';
import { insertContact, selectContact, selectContacts, updateContact } from './people.queries.js';
import { decOrEmpty, emailHash, encOrNull, foldName, phoneDigits, phoneHash } from './people.values.js';

/** What people operations need: the tenant's database and the PII key ring. */
export interface PeopleDeps {
  db: Kysely<TenantSchema>;
  keyRing: KeyRing;
}

/** A row of the hub's people list. */
export interface ContactListRow extends ContactDetails {
  /** Another contact shares this one's email or phone under another name. */
  likelyDuplicate: boolean;
}

/** A contact with its notes, for the detail and edit pages. */
export interface ContactFull extends ContactDetails {
  notes: string;
  createdAt: Date;
  updatedAt: Date;
}

function columnsOf(ring: KeyRing, f: ContactForm) {
  return {
    roles: f.roles, name_enc: ring.encrypt(f.name), email_enc: encOrNull(ring, f.email), email_hash: emailHash(ring, f.email),
    phone_enc: encOrNull(ring, f.phone), phone_hash: phoneHash(ring, f.phone), address_enc: encOrNull(ring, f.address),
    notes_enc: encOrNull(ring, f.notes), organisation: f.organisation,
  };
}

/** Creates a contact record (duplicates are allowed and flagged, never refused). */
export async function createContact(deps: PeopleDeps, form: ContactForm, actor: Actor): Promise<string> {
  const id = await insertContact(deps.db, { ...columnsOf(deps.keyRing, form), created_by: actor.type === 'staff' ? (actor.id ?? null) : null });
  await recordAudit(deps.db, { actor, action: 'contact.created', target: { type: 'contact', id }, detail: { roles: form.roles } });
  return id;
}

/** One contact with its notes; a 404 when there is none. */
export async function getContact(deps: PeopleDeps, id: string): Promise<ContactFull> {
  const row = await selectContact(deps.db, id);
  if (!row) throw notFound('That contact');
  return { ...contactDetails(deps.keyRing, row), notes: decOrEmpty(deps.keyRing, row.notes_enc), createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Saves the edit form; the audit entry names the fields that changed, never their values. */
export async function editContact(deps: PeopleDeps, id: string, form: ContactForm, actor: Actor): Promise<void> {
  const before = await getContact(deps, id);
  const changed: string[] = (['name', 'email', 'phone', 'address', 'organisation', 'notes'] as const).filter((k) => before[k] !== form[k]);
  if ([...before.roles].sort().join() !== [...form.roles].sort().join()) changed.push('roles');
  await updateContact(deps.db, id, columnsOf(deps.keyRing, form));
  await recordAudit(deps.db, { actor, action: 'contact.updated', target: { type: 'contact', id }, detail: { fields: changed } });
}

/** The contact's likely duplicates (same email or phone under another name). */
export function duplicatesOf(deps: PeopleDeps, id: string): Promise<LikelyDuplicate[]> {
  return likelyDuplicates(deps.db, deps.keyRing, id);
}

function matches(ring: KeyRing, q: string) {
  const needle = foldName(q);
  const eHash = q.includes('@') ? emailHash(ring, q) : null;
  const digits = phoneDigits(q);
  const pHash = /^[0-9+()./\s-]+$/.test(q) && digits.length >= 6 ? phoneHash(ring, q) : null;
  return (row: { email_hash: string | null; phone_hash: string | null; organisation: string }, name: string) =>
    (eHash !== null && row.email_hash === eHash) || (pHash !== null && row.phone_hash === pHash)
    || foldName(name).includes(needle) || foldName(row.organisation).includes(needle);
}

/**
 * The people list: exact email or phone (through the blind index) or part of a name or
 * organisation; names are decrypted in the app, which is fine at a rescue's scale.
 */
export async function searchContacts(deps: PeopleDeps, query: PeopleQuery): Promise<ContactListRow[]> {
  const rows = await selectContacts(deps.db, (query.role || undefined) as ContactRole | undefined);
  const all = query.role ? await selectContacts(deps.db) : rows;
  const namesByHash = new Map<string, Set<string>>();
  for (const r of all) {
    const name = foldName(deps.keyRing.decrypt(r.name_enc));
    for (const h of [r.email_hash, r.phone_hash]) if (h) namesByHash.set(h, (namesByHash.get(h) ?? new Set()).add(name));
  }
  const test = query.q ? matches(deps.keyRing, query.q) : () => true;
  const out: ContactListRow[] = [];
  for (const r of rows) {
    const d = contactDetails(deps.keyRing, r);
    if (!test(r, d.name)) continue;
    const likelyDuplicate = [r.email_hash, r.phone_hash].some((h) => h && (namesByHash.get(h)?.size ?? 0) > 1);
    out.push({ ...d, likelyDuplicate });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
