/**
 * A message from the public to a rescue about one of its dogs: the sender's details are stored
 * encrypted under the key ring, the rescue's admins get a hub notification, and an email to the
 * rescue's contact address goes through the mail outbox (with Reply-To the sender).
 */
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';
import { notify } from '../notifications/notifications.public.js';
import { assertContactAllowed, contactAddressHash } from './lostfound.limits.js';
import { insertAttempt, insertContact } from './lostfound.queries.js';
import type { ContactValues } from './lostfound.schema.js';

/** What sending a message needs. */
export interface ContactDeps { database: Database<TenantSchema>; keyRing: KeyRing; jobs: JobRegistry; rescueName: string; contactEmail: string; now: number }

/** Stores the message and tells the rescue; a 429 when the address has sent too many. Returns whether an email was queued. */
export async function sendContact(deps: ContactDeps, dog: { id: string; name: string }, values: ContactValues, clientAddress: string): Promise<{ contactId: string; emailed: boolean }> {
  const db = deps.database.kysely;
  const hash = contactAddressHash(deps.keyRing, clientAddress);
  await assertContactAllowed(db, hash, deps.now);
  const ring = deps.keyRing;
  const contactId = await db.transaction().execute(async (tx) => {
    const id = await insertContact(tx, { dog_id: dog.id, name_enc: ring.encrypt(values.name), email_enc: ring.encrypt(values.email), phone_enc: ring.encrypt(values.phone), message_enc: ring.encrypt(values.message) });
    await insertAttempt(tx, hash, new Date(deps.now));
    await notify(tx, {
      kind: 'lostfound.contact', title: `Lost and found: a message about ${dog.name}`,
      body: `Someone who found or lost a dog thinks it may look like ${dog.name}. Read it under Lost and found; it was also emailed to the rescue's contact address when one is set.`,
      link: `/hub/lost-and-found#message-${id}`, recipients: { roles: ['admin'] }, dedupeKey: `lostfound.contact:${id}`,
    });
    return id;
  });
  if (!deps.contactEmail) return { contactId, emailed: false };
  const text = [
    `A visitor to the lost-and-found page sent a message about ${dog.name}. The photo search only found a resemblance: please check before saying anything is certain.`,
    '', `Name: ${values.name}`, `Email: ${values.email}`, `Phone: ${values.phone || '(not given)'}`, '', values.message,
  ].join('\n');
  await enqueueMail(deps.database, deps.jobs, deps.keyRing, { to: deps.contactEmail, replyTo: values.email, fromName: `${deps.rescueName} lost and found`, subject: `Lost and found: a message about ${dog.name}`, text },
    { idempotencyKey: `lostfound-contact:${contactId}` });
  return { contactId, emailed: true };
}
