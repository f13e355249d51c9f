import { counted, type WaitingItem } from '../dashboard/dashboard.public.js';
import { countInbox } from './inbox.queries.js';

/** The dashboard's "new applications" item: applications nobody has started reviewing, linked to the inbox filtered to them. */
export const newApplicationsWaiting: WaitingItem = {
  permission: 'applications.view',
  count: (request) => countInbox(request.tenant.db.kysely, { statuses: ['new'] }),
  label: (n) => `${counted(n, 'new application', 'new applications')} to review`,
  path: '/hub/applications?status=new',
};
