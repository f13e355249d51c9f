import type { StaffRole } from '../db/schema.js';
import type { FastifyRequest } from 'fastify';
import type { Assets } from './assets.js';
import { can, type Permission } from './permissions.js';
import type { PageContext } from './views/layout.js';

// `roles` narrows an entry to some roles (a foster's own list means nothing to staff).
const hubNav: { path: string; label: string; permission: Permission; roles?: StaffRole[] }[] = [
  { path: '/hub', label: 'Dashboard', permission: 'hub.view' },
  { path: '/hub/dogs', label: 'Dogs', permission: 'dogs.view' },
  { path: '/hub/my-dogs', label: 'My dogs', permission: 'notes.write', roles: ['foster'] },
  { path: '/hub/fosters', label: 'Foster homes', permission: 'fosters.manage' },
  { path: '/hub/medical/due', label: 'Medical due', permission: 'medical.view' },
  { path: '/hub/applications', label: 'Applications', permission: 'applications.view' },
  { path: '/hub/people', label: 'People', permission: 'people.view' },
  { path: '/hub/staff', label: 'Staff', permission: 'staff.manage' },
  { path: '/hub/adoptions/questions', label: 'Application questions', permission: 'adoptions.configure' },
  { path: '/hub/adoptions/contract-template', label: 'Contract template', permission: 'adoptions.configure' },
  { path: '/hub/settings', label: 'Settings', permission: 'settings.manage' },
  { path: '/hub/jobs', label: 'Jobs', permission: 'jobs.manage' },
  { path: '/hub/outbox', label: 'Outbox', permission: 'mail.view' },
  { path: '/hub/audit', label: 'Audit log', permission: 'audit.view' },
  { path: '/hub/export', label: 'Export', permission: 'data.export' },
  { path: '/hub/account/password', label: 'Password', permission: 'account.self' },
];

/** Builds the page frame's context for a request (header, navigation, CSRF token). */
export function pageContextFor(assets: Assets) {
  return (request: FastifyRequest, area: PageContext['area'] = 'public'): PageContext => {
    const actor = request.actor;
    const base: PageContext = {
      css: assets.url('kona.css'),
      basePath: request.tenant ? request.basePath : undefined,
      rescueName: request.rescueName ?? request.tenant?.name,
      // Read when a form needs it: reading it may create the pre-session cookie.
      get csrfToken() { return request.csrfToken; },
      area,
    };
    if (area === 'hub' || area === 'operator') base.notices = request.siteNotices ?? [];
    if (actor?.kind === 'staff' && area === 'hub') {
      base.user = { name: actor.name, role: actor.role };
      // The notifications feature adds the unread count as the page is sent: only hub pages pay for it.
      request.hubPageMember = actor.id;
      base.nav = hubNav.filter((n) => can(actor.role, n.permission) && (!n.roles || n.roles.includes(actor.role))).map((n) => ({ href: `${request.basePath}${n.path}`, label: n.label }));
    }
    if (actor?.kind === 'operator' && area === 'operator') {
      base.user = { name: actor.username, role: 'operator' };
      base.nav = [
        { href: '/operator', label: 'Rescues' },
        { href: '/operator/maintenance', label: 'Maintenance' },
      ];
    }
    return base;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The member a hub page was framed for: the notifications feature then adds their unread count. */
    hubPageMember?: string;
  }
}
