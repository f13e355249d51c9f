import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { MailMessage } from './mail.schema.js';
import type { MailDelivery } from './mailer.js';

/** The domain of the From address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^@>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}

/** Nodemailer's options for one message; the same delivery always gives the same headers. */
export function mailOptions(message: MailMessage, from: string, delivery: MailDelivery): MailComposerOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.attachments?.length ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })) } : {}),
    messageId: `<${delivery.ref}@${senderDomain(from)}>`,
    date: delivery.date,
    // Message content must never make nodemailer read a local file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Builds the RFC 5322 message (an .eml file's bytes). */
export function composeEml(options: MailComposerOptions): Promise<Buffer> {
  return new MailComposer(options).compile().build();
}
