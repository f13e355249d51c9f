/**
 * What a rescue's public pages may show of it, read from its settings row. This is the allow-list:
 * a column not copied here never reaches a public page, whatever else the settings hold.
 */
import type { Selectable } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { TenantSchema } from '../db/schema.js';
import { rescueMailSender, type MailSender } from '../mail/index.js';
import { textColourOn } from '../locale/index.js';
import type { PublicIdentity } from './views/layout.js';

/** The settings columns a request reads once (name, tagline, locale and the public identity). */
export const rescueSettingsColumns = [
  'name', 'tagline', 'time_zone', 'currency', 'locale',
  'contact_email', 'phone', 'area', 'website', 'facebook', 'instagram', 'other_social', 'about', 'accent_colour', 'logo_variants',
] as const;

type Row = Pick<Selectable<TenantSchema['rescue_settings']>, (typeof rescueSettingsColumns)[number]>;

/** The logo's version for cache-busting URLs: part of its content address, so a new logo gets a new URL. */
export function logoVersionOf(variants: Record<string, string> | null): string | undefined {
  const key = variants?.['header.webp'];
  return key ? key.replace(/[^a-f0-9]/g, '').slice(0, 16) : undefined;
}

/** The public identity of a settings row: only allow-listed fields, and the text colour for its accent. */
export function publicIdentityOf(row: Row): PublicIdentity {
  const social = [
    { label: 'Facebook', url: row.facebook },
    { label: 'Instagram', url: row.instagram },
    { label: 'More from us', url: row.other_social },
  ].filter((s) => s.url !== '');
  return {
    logoVersion: logoVersionOf(row.logo_variants),
    accent: row.accent_colour,
    accentText: textColourOn(row.accent_colour),
    contactEmail: row.contact_email,
    phone: row.phone,
    area: row.area,
    website: row.website,
    social,
    about: row.about,
  };
}

/** Who the request's rescue's mail is from: its name via Kona, replies to its contact email. */
export function mailSenderOf(request: FastifyRequest & { tenant: { name: string } }): MailSender {
  return rescueMailSender(request.rescueName ?? request.tenant.name, request.rescueIdentity?.contactEmail || undefined);
}
