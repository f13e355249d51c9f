import type { Config } from '../config/config.js';
import type { Mailer } from './mailer.js';
import { createOutboxMailer } from './outbox.js';
import { createSmtpMailer } from './smtp.js';

/** The mail adapter the configuration asks for: SMTP when `KONA_SMTP_URL` is set, else the outbox in the data directory. */
export function createMailer(config: Config): Mailer {
  const { KONA_SMTP_URL: url, KONA_MAIL_FROM: from } = config.settings;
  return url ? createSmtpMailer(url, from) : createOutboxMailer(config.outboxDir, from);
}
