/** What other features may use of notifications: notify people in the hub, announce maintenance. */
export { type NewNotification, type NotificationKind, type NotificationRecipients, dogFallbackRoles, isLocalLink, notify, notifyDogContact } from './notifications.notify.js';
export { queueMaintenanceAnnouncement } from './maintenance-announcements.js';
export { unreadFosterNotesWaiting } from './notifications.dashboard.js';
