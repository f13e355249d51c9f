import type { StaffRole } from '../db/schema.js';
import type { FastifyRequest } from 'fastify';
import type { Assets } from './assets.js';
import { can, type Permission } from './permissions.js';
import type { NavGroup, PageContext } from './views/layout.js';

type NavEntry = { path: string; label: string; permission: Permission; roles?: StaffRole[] };

// The hub's navigation by section; a phone shows it behind one "Menu" (layout.tsx).
// `roles` narrows an entry to some roles (a foster's own list means nothing to staff).
const hubNav: { label?: string; links: NavEntry[] }[] = [
  { links: [{ path: '/hub', label: 'Dashboard', permission: 'hub.view' }] },
  {
    label: 'Dogs',
    links: [
      { path: '/hub/dogs', label: 'Dogs', permission: 'dogs.view' },
      { path: '/hub/my-dogs', label: 'My dogs', permission: 'notes.write', roles: ['foster'] },
      { path: '/hub/fosters', label: 'Foster homes', permission: 'fosters.manage' },
      { path: '/hub/medical/due', label: 'Medical due', permission: 'medical.view' },
      { path: '/hub/lost-and-found', label: 'Lost and found', permission: 'people.view' },
      { path: '/hub/vet-requests', label: 'Vet access', permission: 'medical.edit' },
    ],
  },
  {
    label: 'Adoptions',
    links: [
      { path: '/hub/applications', label: 'Applications', permission: 'applications.view' },
      { path: '/hub/people', label: 'People', permission: 'people.view' },
      { path: '/hub/adoptions/questions', label: 'Application questions', permission: 'adoptions.configure' },
      { path: '/hub/adoptions/concerns', label: 'Review concerns', permission: 'adoptions.configure' },
      { path: '/hub/adoptions/contract-template', label: 'Contract template', permission: 'adoptions.configure' },
    ],
  },
  {
    label: 'Rescue',
    links: [
      { path: '/hub/staff', label: 'Staff', permission: 'staff.manage' },
      { path: '/hub/vets', label: 'Vets', permission: 'staff.manage' },
      { path: '/hub/settings', label: 'Settings', permission: 'settings.manage' },
      { path: '/hub/jobs', label: 'Jobs', permission: 'jobs.manage' },
      { path: '/hub/outbox', label: 'Outbox', permission: 'mail.view' },
      { path: '/hub/audit', label: 'Audit log', permission: 'audit.view' },
      { path: '/hub/export', label: 'Export', permission: 'data.export' },
    ],
  },
  { label: 'Account', links: [{ path: '/hub/account/password', label: 'Password', permission: 'account.self' }] },
];

/** The hub's navigation a role may use: its sections, each with the links the role holds, empty sections left out. */
export function hubNavFor(role: StaffRole, basePath: string): NavGroup[] {
  return hubNav
    .map((g) => ({
      label: g.label,
      links: g.links.filter((n) => can(role, n.permission) && (!n.roles || n.roles.includes(role))).map((n) => ({ href: `${basePath}${n.path}`, label: n.label })),
    }))
    .filter((g) => g.links.length > 0);
}

// The rescue's home page (its listing), under /r/<slug>/ or on its own hostname (rewritten to that).
function isHomePage(request: FastifyRequest): boolean {
  return /^\/r\/[^/?]+\/?(\?|$)/.test(request.url);
}

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
    if (request.tenant) base.locale = request.rescueLocale;
    if (area === 'public' && request.rescueIdentity) base.identity = { ...request.rescueIdentity, aboutInFull: isHomePage(request) };
    if (actor?.kind === 'vet' && area === 'vet') {
      base.user = { name: actor.name, role: 'vet' };
      base.nav = actor.status === 'verified' ? [{ links: [{ href: '/vet', label: 'My requests' }, { href: '/vet/search', label: 'Find a dog' }] }] : [];
    }
    if (area === 'hub' || area === 'operator') base.notices = request.siteNotices ?? [];
    if (actor?.kind === 'staff' && area === 'hub') {
      base.user = { name: actor.name, role: actor.role };
      // The notifications feature adds the unread count as the page is sent: only hub pages pay for it.
      request.hubPageMember = actor.id;
      base.nav = hubNavFor(actor.role, request.basePath);
    }
    if (actor?.kind === 'operator' && area === 'operator') {
      base.user = { name: actor.username, role: 'operator' };
      base.nav = [{ links: [
        { href: '/operator', label: 'Rescues' },
        { href: '/operator/maintenance', label: 'Maintenance' },
        { href: '/operator/backups', label: 'Backups' },
        { href: '/operator/vets', label: 'Vets' },
      ] }];
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
