import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { MailMessage } from './mail.schema.js';
import type { MailDelivery } from './mailer.js';

/** The domain of the From address, for Message-IDs. */
function senderDomain(from: string): string {
  const match = /@([^@>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'localhost';
}

/** The address of a configured From ("Kona <no-reply@x>" or a bare address). */
function senderAddress(from: string): string {
  return /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/**
 * Nodemailer's options for one message; the same delivery always gives the same headers. A
 * message's own display name replaces the configured one (the address is always the configured
 * one); nodemailer quotes and encodes it, and the schema refuses line breaks in it.
 */
export function mailOptions(message: MailMessage, from: string, delivery: MailDelivery): MailComposerOptions {
  return {
    from: message.fromName !== undefined ? { name: message.fromName, address: senderAddress(from) } : from,
    ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
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
