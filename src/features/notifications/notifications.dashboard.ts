import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { countUnreadOfKind } from './notifications.queries.js';

/**
 * The dashboard's "unread foster notes" item. A foster's note notifies the dog's staff contact (all
 * admins and staff when it has none); it is unread for that person until they open that notification
 * or mark it read on the Notifications page. Notes themselves keep no read state: the notification is it.
 */
export const unreadFosterNotesWaiting: WaitingItem = {
  permission: 'notifications.self',
  count: (request) => countUnreadOfKind(request.tenant.db.kysely, request.actor.id, 'foster.note'),
  label: (n) => counted(n, 'unread foster note', 'unread foster notes'),
  path: '/hub/notifications',
};
