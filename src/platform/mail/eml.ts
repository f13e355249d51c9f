import { simpleParser, type AddressObject } from 'mailparser';

/** What the outbox page shows of a message: decoded addresses and subject, the text body, whether an HTML part exists. */
export interface ParsedEml {
  to: string;
  from: string;
  /** The Reply-To addresses; empty when the message has none. */
  replyTo: string;
  subject: string;
  messageId: string | undefined;
  /** The text/plain part; empty when there is none (never text derived from the HTML). */
  text: string;
  hasHtml: boolean;
  /** The files the message carries, with their bytes. */
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

// Shown to a person, never parsed again, so names stay unquoted as the message's author wrote them.
function addressText(field: AddressObject | AddressObject[] | undefined): string {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  const entries = objects.flatMap((o) => o.value).flatMap((a) => a.group ?? [a]);
  return entries.map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? ''))).join(', ');
}

/** Parses an .eml file (the outbox's, or any RFC 5322 message) with mailparser. */
export async function parseEml(raw: Buffer): Promise<ParsedEml> {
  // The page shows only the text part and never renders HTML, so mailparser's conversions between them are skipped.
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  return {
    to: addressText(mail.to),
    from: addressText(mail.from),
    replyTo: addressText(mail.replyTo),
    subject: mail.subject ?? '',
    messageId: mail.messageId,
    // A single-part body ends with the line end nodemailer writes before the end of the message; it is not the text's.
    text: (mail.text ?? '').replace(/\r?\n$/, ''),
    hasHtml: typeof mail.html === 'string',
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
  };
}
