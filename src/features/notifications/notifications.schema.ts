import { z } from 'zod';

/** A notification's id in a URL; anything else is a 404, not a database error. */
export const notificationIdSchema = z.object({ id: z.uuid() });

/** The list's page number and the message to show after an action; a stale or edited link falls back. */
export const notificationListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  done: z.enum(['', 'read', 'all-read']).catch('').default(''),
});

/** Parsed list query. */
export type NotificationListQuery = z.output<typeof notificationListQuerySchema>;

/** Notifications per page of the list. */
export const notificationsPerPage = 50;
