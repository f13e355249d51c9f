import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/driver.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { enqueueJob, type JobRegistry } from '../../platform/jobs/index.js';
import type { TenantFanOut } from '../../platform/tenancy/fan-out.js';
import { formatUtc, upcomingWindows } from '../maintenance/maintenance.public.js';
import { notify } from './notifications.notify.js';

/** The control-plane job that tells every active rescue's people about a newly announced window. */
export const maintenanceAnnouncedJob = 'notifications.maintenance-announced';

/** Queues the announcement of a maintenance window (once per window, however often it is called). */
export async function queueMaintenanceAnnouncement(control: Database<ControlSchema>, jobs: JobRegistry, windowId: string): Promise<void> {
  await enqueueJob(control, jobs, maintenanceAnnouncedJob, { windowId }, { idempotencyKey: `${maintenanceAnnouncedJob}:${windowId}` });
}

/** What one fan-out did: rescues reached, notifications created, rescues that failed (retried). */
export interface AnnouncementRun {
  tenants: number;
  notified: number;
  failed: string[];
}

/**
 * Notifies every active member of every active rescue about a window, unless it was cancelled or
 * has ended. Each rescue's rows carry the dedupe key `maintenance:<id>`, so a retry after one
 * rescue failed notifies only those not yet told.
 */
export async function announceMaintenance(control: Kysely<ControlSchema>, eachTenant: TenantFanOut, windowId: string): Promise<AnnouncementRun> {
  const window = (await upcomingWindows(control)).find((w) => w.id === windowId);
  if (!window) return { tenants: 0, notified: 0, failed: [] };
  let notified = 0;
  const run = await eachTenant(async ({ db }) => {
    notified += await notify(db, {
      kind: 'maintenance.announced',
      title: `Planned maintenance from ${formatUtc(window.startsAt)} to ${formatUtc(window.endsAt)}`,
      body: window.message,
      recipients: { roles: ['admin', 'staff', 'foster', 'viewer'] },
      dedupeKey: `maintenance:${window.id}`,
    });
  });
  return { tenants: run.reached, notified, failed: run.failed };
}
