import type { Config } from '../../platform/config/config.js';
import { notFound } from '../../platform/errors/errors.js';
import { listOutbox, readOutboxMessage, type Mailer, type MailHealth, type OutboxEntry, type OutboxMessage } from '../../platform/mail/index.js';

/** What the outbox page shows: where mail goes, whether that works, and this rescue's outbox. */
export interface OutboxOverview {
  transport: Mailer['kind'];
  health: MailHealth;
  entries: OutboxEntry[];
  total: number;
}

/** The outbox page of one rescue (its folder is its slug, which comes from the resolved tenant). */
export async function outboxOverview(deps: { config: Config; mailer: Mailer }, slug: string): Promise<OutboxOverview> {
  // Files written before SMTP was configured stay listed, so switching over hides nothing.
  const [health, { entries, total }] = await Promise.all([deps.mailer.health(), listOutbox(deps.config.outboxDir, slug)]);
  return { transport: deps.mailer.kind, health, entries, total };
}

/** One message of the rescue's outbox; a 404 when there is none by that name. */
export async function outboxMessage(config: Config, slug: string, file: string): Promise<OutboxMessage> {
  const message = await readOutboxMessage(config.outboxDir, slug, file);
  if (!message) throw notFound('That message');
  return message;
}
