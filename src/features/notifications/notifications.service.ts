import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { isLocalLink } from './notifications.notify.js';
import { countNotifications, markAllRead, markRead, selectNotifications, type NotificationRow } from './notifications.queries.js';
import { notificationsPerPage } from './notifications.schema.js';

type Db = Kysely<TenantSchema>;

/** One page of a person's notifications with the counts the page shows. */
export interface NotificationPage {
  items: NotificationRow[];
  total: number;
  unread: number;
  page: number;
  pages: number;
}

/** The signed-in person's notifications, newest first; only ever their own rows. */
export async function notificationsOf(db: Db, staffId: string, page: number): Promise<NotificationPage> {
  const { total, unread } = await countNotifications(db, staffId);
  const pages = Math.max(1, Math.ceil(total / notificationsPerPage));
  const current = Math.min(page, pages);
  const items = await selectNotifications(db, staffId, notificationsPerPage, (current - 1) * notificationsPerPage);
  return { items, total, unread, page: current, pages };
}

/** Marks one of the person's notifications read; a 404 when it is not theirs (or does not exist). */
export async function readNotification(db: Db, staffId: string, id: string): Promise<void> {
  if (!(await markRead(db, staffId, id))) throw notFound('That notification');
}

/** Marks one of the person's notifications read and returns where it points (a local path), if anywhere. */
export async function openNotification(db: Db, staffId: string, id: string): Promise<string | undefined> {
  const row = await markRead(db, staffId, id);
  if (!row) throw notFound('That notification');
  // The table only holds local paths; checked again so a redirect can never leave the site.
  return row.link && isLocalLink(row.link) ? row.link : undefined;
}

/** Marks all of the person's notifications read; returns how many were unread. */
export function readAllNotifications(db: Db, staffId: string): Promise<number> {
  return markAllRead(db, staffId);
}
