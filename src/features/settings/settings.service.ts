import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { RescueSettings } from './settings.schema.js';
import { selectRescueSettings, upsertRescueSettings } from './settings.queries.js';

/** The rescue's settings; the registry name stands in until the rescue has saved its own. */
export async function getRescueSettings(db: Kysely<TenantSchema>, fallbackName: string): Promise<RescueSettings> {
  const row = await selectRescueSettings(db);
  return { name: row?.name ?? fallbackName, tagline: row?.tagline ?? '' };
}

/** Saves the settings and audits which fields changed (names only: values may be anything). */
export async function updateRescueSettings(db: Kysely<TenantSchema>, next: RescueSettings, actor: Actor): Promise<{ changed: string[] }> {
  const current = await selectRescueSettings(db);
  const changed = (Object.keys(next) as (keyof RescueSettings)[]).filter((k) => current?.[k] !== next[k]);
  if (changed.length === 0) return { changed };
  await upsertRescueSettings(db, next);
  await recordAudit(db, { actor, action: 'settings.updated', target: { type: 'rescue_settings', id: 'rescue' }, detail: { fields: changed } });
  return { changed };
}
