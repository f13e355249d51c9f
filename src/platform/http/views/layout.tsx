import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { csrfField } from '../csrf.js';
import { defaultRescueLocale, type RescueLocale } from '../../locale/index.js';
import { RescueLocaleContext } from './time.js';

/** What every page needs to draw its frame. */
export interface PageContext {
  /** Fingerprinted stylesheet URL. */
  css: string;
  /** Prefix for this tenant's links ('' or '/r/<slug>'); undefined outside a tenant. */
  basePath?: string;
  rescueName?: string;
  csrfToken: string;
  /** The signed-in person, for the header. */
  user?: { name: string; role: string };
  /** The navigation the person may use, by section. */
  nav?: NavGroup[];
  area: 'public' | 'hub' | 'operator' | 'vet' | 'error';
  /** Site-wide notices shown above the page (announced maintenance). */
  notices?: string[];
  /** The member's unread notifications (hub only), for the header's "Notifications (n)". */
  unreadNotifications?: number;
  /** How the rescue reads dates and money (every tenant page). */
  locale?: RescueLocale;
  /** The rescue's identity on its public pages: header logo and accent, the footer's contact details. */
  identity?: PublicIdentity;
}

/**
 * What a public page shows of the rescue: plain data, filled from its settings by the request, and
 * nothing but what is listed here (no staff data reaches a public page through it).
 */
export interface PublicIdentity {
  /** Part of the logo's content address when the rescue has a logo (its URL changes with it). */
  logoVersion?: string;
  /** #rrggbb, and black or white text on it (contrast at least 4.5:1). */
  accent: string;
  accentText: string;
  contactEmail: string;
  phone: string;
  area: string;
  website: string;
  social: { label: string; url: string }[];
  about: string;
  /** The home page shows the about text in full; other pages a short part with a link home. */
  aboutInFull?: boolean;
}

/** One section of the navigation: its links, under a label unless it stands first on its own (Dashboard). */
export interface NavGroup {
  label?: string;
  links: { href: string; label: string }[];
}

/** The sections as nested lists; a labelled section's list is named by its label for screen readers. */
function NavGroups({ groups }: { groups: NavGroup[] }) {
  return (
    <ul class="nav-groups">
      {groups.map((g) => (
        <li key={g.label ?? g.links[0]?.href}>
          {g.label && <span class="nav-group-label" aria-hidden="true">{g.label}</span>}
          <ul aria-label={g.label}>
            {g.links.map((n) => <li key={n.href}><a href={n.href}>{n.label}</a></li>)}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/**
 * The main navigation. A phone gets a "Menu" disclosure (details/summary: no script, a button to
 * assistive technology); a wider screen the sections side by side. Both are in the page and CSS
 * shows one (display: none takes the other out of the accessibility tree as well).
 */
function MainNav({ groups }: { groups: NavGroup[] }) {
  return (
    <nav aria-label="Main" class="main-nav">
      <details class="nav-menu">
        <summary>Menu</summary>
        <NavGroups groups={groups} />
      </details>
      <div class="nav-wide">
        <NavGroups groups={groups} />
      </div>
    </nav>
  );
}

/** Hidden CSRF field for every state-changing form. */
export function Csrf({ token }: { token: string }) {
  return <input type="hidden" name={csrfField} value={token} />;
}

/** The HTML frame: skip link, header with navigation, main landmark, footer. */
export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren; /** Extra elements for <head> (meta tags for sharing). */ head?: ComponentChildren }) {
  const { ctx } = props;
  const home = ctx.area === 'operator' ? '/operator' : ctx.area === 'vet' ? '/vet' : ctx.area === 'hub' ? `${ctx.basePath}/hub` : `${ctx.basePath ?? ''}/`;
  const brand = ctx.area === 'operator' ? 'Kona operator' : ctx.area === 'vet' ? 'Kona for vets' : (ctx.rescueName ?? 'Kona');
  const identity = ctx.area === 'public' ? ctx.identity : undefined;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${brand}`}</title>
        {/* The rescue's own /favicon.ico inside its site, so its icon can differ from Kona's. */}
        <link rel="icon" href={`${ctx.basePath ?? ''}/favicon.ico${identity?.logoVersion ? `?v=${identity.logoVersion}` : ''}`} />
        <link rel="stylesheet" href={ctx.css} />
        {props.head}
      </head>
      {/* The rescue's accent for any public page's CSS to use: --rescue-accent, and text on it. */}
      <body style={identity ? `--rescue-accent:${identity.accent};--rescue-accent-text:${identity.accentText}` : undefined}>
        <a class="skip" href="#main">Skip to content</a>
        <header class={identity ? 'site identity' : 'site'}>
          <a class="brand" href={home}>
            {identity?.logoVersion && <img class="logo" src={`${ctx.basePath ?? ''}/logo.webp?v=${identity.logoVersion}`} alt="" height={40} />}
            {brand}
          </a>
          {ctx.nav && ctx.nav.length > 0 && <MainNav groups={ctx.nav} />}
          {ctx.user && ctx.area === 'hub' && (
            <a class="notifications-link" href={`${ctx.basePath}/hub/notifications`}>{ctx.unreadNotifications ? `Notifications (${ctx.unreadNotifications})` : 'Notifications'}</a>
          )}
          {ctx.user && (
            <form method="post" action={ctx.area === 'operator' ? '/operator/sign-out' : ctx.area === 'vet' ? '/vet/sign-out' : `${ctx.basePath}/hub/sign-out`} class="inline">
              <Csrf token={ctx.csrfToken} />
              <span>{ctx.user.name} ({ctx.user.role}) </span>
              <button type="submit" class="link">Sign out</button>
            </form>
          )}
        </header>
        {ctx.notices && ctx.notices.length > 0 && (
          <section class="site-notices" aria-label="Announcements">
            {ctx.notices.map((n) => <p key={n} class="notice warn">{n}</p>)}
          </section>
        )}
        <main id="main" tabIndex={-1}>
          <RescueLocaleContext.Provider value={ctx.locale ?? defaultRescueLocale}>{props.children}</RescueLocaleContext.Provider>
        </main>
        {identity ? <IdentityFooter identity={identity} name={brand} home={home} /> : <footer class="site">Runs on Kona, self-hosted for rescues.</footer>}
      </body>
    </html>
  );
}

const shortAboutLength = 200;

/** The about text cut at a word near 200 characters, or whole when shorter. */
export function shortAbout(about: string): { text: string; cut: boolean } {
  const first = about.split(/\n\s*\n/)[0]!.trim();
  if (first.length <= shortAboutLength && first.length === about.trim().length) return { text: first, cut: false };
  if (first.length <= shortAboutLength) return { text: first, cut: true };
  const space = first.lastIndexOf(' ', shortAboutLength);
  return { text: `${first.slice(0, space > 0 ? space : shortAboutLength)}…`, cut: true };
}

/** A public page's footer: the rescue's about text and how to reach it. */
function IdentityFooter({ identity, name, home }: { identity: PublicIdentity; name: string; home: string }) {
  const about = identity.aboutInFull ? { text: identity.about, cut: false } : shortAbout(identity.about);
  const contact = [
    identity.contactEmail && <li key="email">Email: <a href={`mailto:${identity.contactEmail}`}>{identity.contactEmail}</a></li>,
    identity.phone && <li key="phone">Phone: <a href={`tel:${identity.phone.replace(/[^+\d]/g, '')}`}>{identity.phone}</a></li>,
    identity.area && <li key="area">{identity.area}</li>,
    identity.website && <li key="web"><a href={identity.website} rel="noopener">Website</a></li>,
    ...identity.social.map((s) => <li key={s.label}><a href={s.url} rel="noopener">{s.label}</a></li>),
  ].filter(Boolean);
  return (
    <footer class="site identity-footer">
      {identity.about && (
        <section aria-label={`About ${name}`} class="about">
          {about.text.split(/\n\s*\n/).map((p, i) => <p key={i}>{p}</p>)}
          {about.cut && <p><a href={home}>More about {name}</a></p>}
        </section>
      )}
      {contact.length > 0 && <ul class="contact">{contact}</ul>}
      <p class="runs-on">Runs on Kona, self-hosted for rescues.</p>
    </footer>
  );
}

/** Renders a page to an HTML document; text is escaped by Preact unless explicitly marked raw. */
export function renderPage<P>(node: preact.VNode<P>): string {
  return `<!doctype html>${renderToString(node)}`;
}
