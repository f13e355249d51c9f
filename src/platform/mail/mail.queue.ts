import { randomBytes } from 'node:crypto';
import type { KeyRing } from '../crypto/keyring.js';
import type { Database } from '../db/driver.js';
import type { CommonTables } from '../db/schema.js';
import { enqueueJob, JobPayloadError, type JobRegistry } from '../jobs/index.js';
import { issueFields } from '../jobs/jobs.service.js';
import { mailMessageSchema, type MailAttachment, type MailMessage, type SealedMail } from './mail.schema.js';

/** The job that delivers one message. */
export const mailJobName = 'mail.send';

/** Options for {@link enqueueMail}. */
export interface EnqueueMailOptions {
  /** The same key again queues nothing: a retried request cannot send the mail twice. */
  idempotencyKey: string;
  runAt?: Date;
}

// A contract PDF names the adopter: a file is sealed like every other field (base64 inside).
const sealAttachment = (a: MailAttachment, ring: KeyRing) => ({
  filename: ring.encrypt(a.filename), contentType: ring.encrypt(a.contentType), content: ring.encrypt(Buffer.from(a.content).toString('base64')),
});

const openAttachment = (a: NonNullable<SealedMail['attachments']>[number], ring: KeyRing): MailAttachment => ({
  filename: ring.decrypt(a.filename), contentType: ring.decrypt(a.contentType), content: Buffer.from(ring.decrypt(a.content), 'base64'),
});

/** Encrypts the message's personal fields for the jobs table and fixes what every retry must repeat. */
export function sealMail(message: MailMessage, ring: KeyRing, now = new Date()): SealedMail {
  return {
    to: ring.encrypt(message.to),
    subject: ring.encrypt(message.subject),
    text: ring.encrypt(message.text),
    ...(message.html !== undefined ? { html: ring.encrypt(message.html) } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map((a) => sealAttachment(a, ring)) } : {}),
    ...(message.fromName !== undefined ? { fromName: ring.encrypt(message.fromName) } : {}),
    ...(message.replyTo !== undefined ? { replyTo: ring.encrypt(message.replyTo) } : {}),
    queuedAt: now.toISOString(),
    ref: randomBytes(16).toString('hex'),
  };
}

/** Decrypts a sealed payload back into a checked message. */
export function openMail(sealed: SealedMail, ring: KeyRing): MailMessage {
  const parsed = mailMessageSchema.safeParse({
    to: ring.decrypt(sealed.to),
    subject: ring.decrypt(sealed.subject),
    text: ring.decrypt(sealed.text),
    ...(sealed.html !== undefined ? { html: ring.decrypt(sealed.html) } : {}),
    ...(sealed.attachments ? { attachments: sealed.attachments.map((a) => openAttachment(a, ring)) } : {}),
    ...(sealed.fromName !== undefined ? { fromName: ring.decrypt(sealed.fromName) } : {}),
    ...(sealed.replyTo !== undefined ? { replyTo: ring.decrypt(sealed.replyTo) } : {}),
  });
  if (!parsed.success) throw new JobPayloadError(mailJobName, issueFields(parsed.error));
  return parsed.data;
}

/**
 * Queues one message in a database (a rescue's, for its mail): delivered by a `mail.send` job,
 * retried with backoff and kept across restarts. Throws a JobPayloadError naming the bad fields.
 */
export async function enqueueMail<S extends CommonTables>(
  db: Database<S>,
  registry: JobRegistry,
  keyRing: KeyRing,
  message: MailMessage,
  options: EnqueueMailOptions,
): Promise<{ id: string; created: boolean }> {
  const parsed = mailMessageSchema.safeParse(message);
  if (!parsed.success) throw new JobPayloadError(mailJobName, issueFields(parsed.error));
  return enqueueJob(db, registry, mailJobName, sealMail(parsed.data, keyRing), {
    // Keyed hash: callers often build keys from an address, and the jobs table is stored in clear.
    idempotencyKey: `mail:${keyRing.blindIndex(options.idempotencyKey)}`,
    ...(options.runAt ? { runAt: options.runAt } : {}),
  });
}
