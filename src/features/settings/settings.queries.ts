import type { Kysely, Selectable } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { RescueSettings } from './settings.schema.js';

type Db = Kysely<TenantSchema>;

/** The settings row as read. */
export type RescueSettingsRow = Selectable<TenantSchema['rescue_settings']>;

/** The rescue's single settings row, if it exists. */
export function selectRescueSettings(db: Db): Promise<RescueSettingsRow | undefined> {
  return db.selectFrom('rescue_settings').selectAll().executeTakeFirst();
}

function columnsOf(s: RescueSettings) {
  return {
    name: s.name, tagline: s.tagline, contact_email: s.contact_email, phone: s.phone, area: s.area, website: s.website,
    facebook: s.facebook, instagram: s.instagram, other_social: s.other_social, about: s.about, accent_colour: s.accent_colour,
    time_zone: s.time_zone, currency: s.currency, locale: s.locale,
    fee_small_cents: s.fee_small, fee_medium_cents: s.fee_medium, fee_large_cents: s.fee_large, fee_xl_cents: s.fee_xl,
  };
}

/** Writes the single settings row (creating it if a rescue somehow lacks one). */
export async function upsertRescueSettings(db: Db, settings: RescueSettings, now: Date): Promise<void> {
  const values = { ...columnsOf(settings), updated_at: now };
  await db.insertInto('rescue_settings').values(values).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute();
}

/** Sets (or clears, with null) the logo's variant keys; returns the previous ones, for releasing. */
export async function updateLogoVariants(db: Db, variants: Record<string, string> | null, now: Date): Promise<Record<string, string> | null> {
  const before = await db.selectFrom('rescue_settings').select('logo_variants').executeTakeFirst();
  await db.updateTable('rescue_settings').set({ logo_variants: variants === null ? null : JSON.stringify(variants), updated_at: now }).execute();
  return before?.logo_variants ?? null;
}
