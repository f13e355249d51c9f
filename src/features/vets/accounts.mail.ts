/** Mail to a vet, queued on the control plane's outbox (a vet belongs to no rescue). */
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail } from '../../platform/mail/index.js';

/** What queuing a vet's mail needs. */
export interface VetMailDeps {
  keyRing: KeyRing;
  jobs: JobRegistry;
  /** Where links in the mail point (the public URL's origin). */
  origin: string;
}

// enqueueMail reads only `.kysely`: handing it the transaction queues the mail with the change.
const asDatabase = (db: Kysely<ControlSchema>) => ({ kysely: db }) as unknown as Database<ControlSchema>;

/** Queues one message to the vet whose encrypted email is `emailEnc`; `key` makes a retried request send it once. */
export async function queueVetMail(db: Kysely<ControlSchema>, deps: VetMailDeps, emailEnc: string, message: { subject: string; lines: string[]; signInLink?: boolean }, key: string): Promise<void> {
  const to = deps.keyRing.decrypt(emailEnc);
  const link = message.signInLink === false ? [] : ['', `Sign in: ${deps.origin}/vet/sign-in`];
  const text = [...message.lines, ...link, '', 'Kona, for rescues and the vets who treat their dogs.'].join('\n');
  await enqueueMail(asDatabase(db), deps.jobs, deps.keyRing, { to, subject: message.subject, text, fromName: 'Kona for vets' }, { idempotencyKey: key });
}
