import type { MailMessage } from './mail.schema.js';

const emailLike = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g;

/** Longest scrubbed reason kept; the job row caps it again. */
const maxReason = 500;

/**
 * An error's code and message with addresses and the message's own strings removed: SMTP
 * servers quote the recipient back ("550 <ann@example.org>: unknown user") and the job's
 * `last_error` and the logs must not carry it.
 */
export function scrubMailError(err: unknown, secrets: readonly string[]): string {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown };
  let text = typeof e.message === 'string' ? e.message : String(err);
  text = text.replace(emailLike, '[address]');
  for (const secret of [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)) text = text.split(secret).join('[message]');
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > maxReason) text = `${text.slice(0, maxReason - 1)}…`;
  const code = typeof e.code === 'string' && /^[A-Z0-9_]{2,32}$/.test(e.code) ? e.code : undefined;
  const status = typeof e.responseCode === 'number' ? `SMTP ${e.responseCode}` : undefined;
  const tags = [code, status].filter(Boolean).join(', ');
  return tags ? `${tags}: ${text}` : text;
}

/** Why a mail could not be delivered, safe to store and log (no address, subject or body). */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(err: unknown, message: MailMessage) {
    const [local = '', domain = ''] = message.to.split('@');
    super(`The mail could not be delivered (${scrubMailError(err, [message.to, local, domain, message.subject, message.text, message.html ?? ''])})`);
  }
}
