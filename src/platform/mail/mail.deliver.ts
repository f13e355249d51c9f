import type { KeyRing } from '../crypto/keyring.js';
import type { JobContext } from '../jobs/index.js';
import { MailDeliveryError } from './mail.errors.js';
import { openMail } from './mail.queue.js';
import type { SealedMail } from './mail.schema.js';
import type { Mailer } from './mailer.js';

/** What the `mail.send` handler needs from the process. */
export interface MailDeps {
  mailer: () => Mailer;
  keyRing: () => KeyRing;
}

/** The `mail.send` handler: opens the sealed message and hands it to the mail adapter; logs the outcome only. */
export async function deliverMail(deps: MailDeps, payload: SealedMail, ctx: JobContext): Promise<void> {
  const message = openMail(payload, deps.keyRing());
  const mailer = deps.mailer();
  try {
    await mailer.send(message, { folder: ctx.source.label, jobId: ctx.jobId, ref: payload.ref, date: new Date(payload.queuedAt), signal: ctx.signal });
  } catch (err) {
    throw new MailDeliveryError(err, message);
  }
  ctx.logger.info({ transport: mailer.kind }, 'mail delivered');
}
