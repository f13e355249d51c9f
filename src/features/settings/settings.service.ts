import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { defaultRescueLocale } from '../../platform/locale/index.js';
import { formatCents } from '../dogs/dogs.public.js';
import type { RescueSettings } from './settings.schema.js';
import { selectRescueSettings, upsertRescueSettings, type RescueSettingsRow } from './settings.queries.js';

const defaults: RescueSettings = {
  name: '', tagline: '', contact_email: '', phone: '', area: '', website: '', facebook: '', instagram: '', other_social: '', about: '',
  accent_colour: '#2f6f4f', time_zone: defaultRescueLocale.timeZone, currency: defaultRescueLocale.currency, locale: defaultRescueLocale.locale,
  fee_small: null, fee_medium: null, fee_large: null, fee_xl: null,
};

/** The settings of a row as saved (the form's shape), defaults where the rescue has no row. */
export function settingsOf(row: RescueSettingsRow | undefined, fallbackName: string): RescueSettings {
  if (!row) return { ...defaults, name: fallbackName };
  return {
    name: row.name, tagline: row.tagline, contact_email: row.contact_email, phone: row.phone, area: row.area, website: row.website,
    facebook: row.facebook, instagram: row.instagram, other_social: row.other_social, about: row.about, accent_colour: row.accent_colour,
    time_zone: row.time_zone, currency: row.currency, locale: row.locale,
    fee_small: row.fee_small_cents, fee_medium: row.fee_medium_cents, fee_large: row.fee_large_cents, fee_xl: row.fee_xl_cents,
  };
}

/** The settings as the form shows them: every value a string, amounts with two decimals. */
export function settingsFormValues(s: RescueSettings): Record<string, string> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? '' : typeof v === 'number' ? formatCents(v) : v]));
}

/** The rescue's settings; the registry name stands in until the rescue has saved its own. */
export async function getRescueSettings(db: Kysely<TenantSchema>, fallbackName: string): Promise<RescueSettings> {
  return settingsOf(await selectRescueSettings(db), fallbackName);
}

/** Saves the settings and audits which fields changed (names only: values may be anything). */
export async function updateRescueSettings(db: Kysely<TenantSchema>, next: RescueSettings, actor: Actor, now: Date): Promise<{ changed: string[] }> {
  const row = await selectRescueSettings(db);
  const current = row ? settingsOf(row, row.name) : undefined;
  const changed = (Object.keys(next) as (keyof RescueSettings)[]).filter((k) => current?.[k] !== next[k]);
  if (changed.length === 0) return { changed };
  await upsertRescueSettings(db, next, now);
  await recordAudit(db, { actor, action: 'settings.updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { fields: changed } });
  return { changed };
}
