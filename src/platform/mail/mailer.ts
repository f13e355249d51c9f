import type { MailMessage } from './mail.schema.js';

/** What one delivery needs besides the message; the same for every retry of one job. */
export interface MailDelivery {
  /** The outbox folder: the slug of the rescue whose job sends it. */
  folder: string;
  jobId: string;
  /** Left part of the Message-ID, so a retried message has the same id. */
  ref: string;
  /** The Date header: when the message was queued. */
  date: Date;
  /** Aborted when the job runner stops. */
  signal?: AbortSignal;
}

/** Whether the mail adapter can deliver right now, in words an admin can act on. */
export interface MailHealth {
  ok: boolean;
  detail: string;
}

/** The adapter every mail goes through: an SMTP server or the outbox directory. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** Delivers one message; throws when it could not (the job retries). */
  send(message: MailMessage, delivery: MailDelivery): Promise<{ messageId: string }>;
  health(): Promise<MailHealth>;
  close(): Promise<void>;
}
