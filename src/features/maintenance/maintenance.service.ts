import type { Kysely } from 'kysely';
import { recordControlAudit, type Actor } from '../../platform/audit/audit.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { cancelWindow, insertWindow, selectOpenWindows } from './maintenance.queries.js';

/** How long before a window starts its banner appears. */
export const announceAheadMs = 7 * 86_400_000;

/** A window as pages show it. */
export interface MaintenanceWindow {
  id: string;
  startsAt: Date;
  endsAt: Date;
  message: string;
}

/** Announces a window; every rescue's hub shows it from a week before until it ends. */
export async function scheduleWindow(db: Kysely<ControlSchema>, w: { startsAt: Date; endsAt: Date; message: string }, actor: Actor & { id: string }) {
  const id = await insertWindow(db, { starts_at: w.startsAt, ends_at: w.endsAt, message: w.message, created_by: actor.id });
  await recordControlAudit(db, { actor, action: 'maintenance.scheduled', target: { type: 'maintenance_window', id } });
  return id;
}

/** Withdraws an announced window. */
export async function cancelMaintenance(db: Kysely<ControlSchema>, id: string, actor: Actor) {
  if (!(await cancelWindow(db, id))) throw new KonaError('KONA_ERR_NOT_FOUND', 'That maintenance window does not exist or was already cancelled.');
  await recordControlAudit(db, { actor, action: 'maintenance.cancelled', target: { type: 'maintenance_window', id } });
}

/** Windows that have not ended yet, soonest first. */
export async function upcomingWindows(db: Kysely<ControlSchema>, now = new Date()): Promise<MaintenanceWindow[]> {
  const rows = await selectOpenWindows(db, now);
  return rows.map((r) => ({ id: r.id, startsAt: r.starts_at, endsAt: r.ends_at, message: r.message }));
}

const when = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });

/** A time as the banner and console show it. */
export function formatUtc(d: Date): string {
  return `${when.format(d)} UTC`;
}

/** The banner text for windows due within the announcement period or under way. */
export function bannerTexts(windows: MaintenanceWindow[], now = new Date()): string[] {
  return windows
    .filter((w) => w.startsAt.getTime() - announceAheadMs <= now.getTime() && now < w.endsAt)
    .map((w) =>
      now >= w.startsAt
        ? `Maintenance under way until ${formatUtc(w.endsAt)}: ${w.message}`
        : `Planned maintenance from ${formatUtc(w.startsAt)} to ${formatUtc(w.endsAt)}: ${w.message}`,
    );
}
