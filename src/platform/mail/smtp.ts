import nodemailer from 'nodemailer';
import { mailOptions } from './compose.js';
import { scrubMailError } from './mail.errors.js';
import type { Mailer } from './mailer.js';

/** The server's host and port, never its credentials. */
function serverName(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Sends through the SMTP server of `KONA_SMTP_URL` (smtps:// is TLS from the start; smtp:// upgrades with STARTTLS when offered). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url,
    // Nodemailer waits minutes by default; a job that fails sooner is retried sooner.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  });
  const server = serverName(url);
  return {
    kind: 'smtp',
    async send(message, delivery) {
      const info = await transport.sendMail({ ...mailOptions(message, from, delivery), ...(delivery.signal ? { signal: delivery.signal } : {}) });
      return { messageId: info.messageId };
    },
    async health() {
      try {
        await withTimeout(transport.verify(), 10_000);
        return { ok: true, detail: `The SMTP server ${server} accepts connections.` };
      } catch (err) {
        return { ok: false, detail: `The SMTP server ${server} cannot be used: ${scrubMailError(err, [])}` };
      }
    },
    async close() {
      transport.close();
    },
  };
}
