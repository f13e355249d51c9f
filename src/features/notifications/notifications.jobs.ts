import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { ControlSchema, TenantSchema } from '../../platform/db/schema.js';
import { defineJob, type JobRegistry } from '../../platform/jobs/index.js';
import type { TenantFanOut } from '../../platform/tenancy/fan-out.js';
import { announceMaintenance, maintenanceAnnouncedJob } from './maintenance-announcements.js';
import { sendInterviewReminders } from './interview-reminders.js';
import { sendMedicalReminders } from './medical-reminders.js';

/** The daily job that notifies staff of medical items due and mails the dogs' fosters. */
export const medicalDueJob = 'notifications.medical-due';

/** When the medical reminders run: daily at 06:00 UTC, before a rescue's working day. */
export const medicalDueCron = '0 6 * * *';

/** The daily job that tells staff of the interviews taking place tomorrow. */
export const interviewTomorrowJob = 'notifications.interview-tomorrow';

/** When it runs: daily at 06:10 UTC, so the eve's notice is there when the day starts. */
export const interviewTomorrowCron = '10 6 * * *';

/** What the notification jobs need from the running process. */
export interface NotificationJobDeps {
  keyRing: () => KeyRing;
  jobs: () => JobRegistry;
  eachTenant: TenantFanOut;
  /** The process's clock (ms since the epoch): which day is "today" for the daily jobs. */
  now: () => number;
}

/** The notifications feature's jobs: medical and interview reminders (per rescue, daily) and maintenance announcements (control plane). */
export function notificationJobs(deps: NotificationJobDeps) {
  return [
    defineJob({
      name: medicalDueJob,
      schema: z.object({}),
      cron: medicalDueCron,
      handler: async (_payload, ctx) => {
        // Cron jobs are queued in every database; only a rescue's has dogs.
        if (ctx.source.label === 'control') return;
        const db = ctx.source.db as unknown as Database<TenantSchema>;
        const run = await sendMedicalReminders({ db, jobs: deps.jobs(), keyRing: deps.keyRing(), now: deps.now });
        ctx.logger.info({ ...run }, 'medical reminders sent');
      },
    }),
    defineJob({
      name: interviewTomorrowJob,
      schema: z.object({}),
      cron: interviewTomorrowCron,
      handler: async (_payload, ctx) => {
        if (ctx.source.label === 'control') return;
        const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
        const run = await sendInterviewReminders(db, deps.now());
        ctx.logger.info({ ...run }, 'interview reminders sent');
      },
    }),
    defineJob({
      name: maintenanceAnnouncedJob,
      schema: z.object({ windowId: z.uuid() }),
      maxAttempts: 10,
      handler: async (payload, ctx) => {
        if (ctx.source.label !== 'control') return;
        const control = ctx.source.db.kysely as unknown as Kysely<ControlSchema>;
        const run = await announceMaintenance(control, deps.eachTenant, payload.windowId);
        ctx.logger.info({ tenants: run.tenants, notified: run.notified, failed: run.failed.length }, 'maintenance announced');
        // Rescue slugs are not personal data; a retry tells only those not yet told (dedupe key).
        if (run.failed.length) throw new Error(`could not notify the rescues ${run.failed.join(', ')}; will retry`);
      },
    }),
  ];
}
