import type { Kysely } from 'kysely';
import { z } from 'zod';
import { staffEncryptedColumns } from '../features/staff/staff.encryption.js';
import { peopleEncryptedColumns } from '../features/people/people.encryption.js';
import { adoptionsEncryptedColumns } from '../features/adoptions/adoptions.encryption.js';
import { pruneApplicationAttempts } from '../features/adoptions/apply.limits.js';
import { contractsEncryptedColumns } from '../features/contracts/contracts.encryption.js';
import { aiEncryptedColumns, aiJobs, altTextJob, extractDocumentJob } from '../features/ai/ai.public.js';
import { dispatcherEmbedders, embedderFor, embedPhotoJob, matchingJobs, reembedJob } from '../features/matching/matching.public.js';
import { lostFoundEncryptedColumns, lostFoundJobs, lostFoundSweepJob } from '../features/lostfound/lostfound.public.js';
import { vetsEncryptedColumns, vetThreadEncryptedColumns } from '../features/vets/vets.public.js';
import type { DispatcherClient } from '../inference/client.js';
import type { Config } from '../platform/config/config.js';
import { pruneAttempts } from '../platform/auth/login-throttle.js';
import type { KeyRing } from '../platform/crypto/keyring.js';
import { deliverMail, mailJobName, sealedMailSchema, type Mailer } from '../platform/mail/index.js';
import { reencryptTable, type EncryptedColumns } from '../platform/crypto/reencrypt.js';
import type { TenantSchema } from '../platform/db/schema.js';
import { defineJob, type JobDefinition, type JobRegistry } from '../platform/jobs/index.js';
import type { TenantFanOut } from '../platform/tenancy/fan-out.js';
import { sweepUploads } from '../platform/storage/index.js';
import { interviewTomorrowJob, medicalDueJob, notificationJobs } from '../features/notifications/notifications.jobs.js';
import { maintenanceAnnouncedJob } from '../features/notifications/maintenance-announcements.js';
import { pitrMarkJob, writePitrMark } from '../ops/backup/archive.layers.js';

/**
 * Every job Kona declares. A process refuses to start if one has no handler below, so a job
 * enqueued by one release is never left without a worker that knows it.
 */
export const declaredJobs = ['maintenance.prune-login-attempts', 'maintenance.prune-sessions', 'maintenance.sweep-uploads', 'keys.reencrypt', 'mail.send', 'backup.dump', 'backup.snapshot', 'backup.restic', medicalDueJob, interviewTomorrowJob, maintenanceAnnouncedJob, pitrMarkJob, altTextJob, extractDocumentJob, embedPhotoJob, reembedJob, lostFoundSweepJob] as const;

/** Every tenant table with application-encrypted columns; each feature lists its own. */
export const tenantEncryptedColumns: EncryptedColumns[] = [...staffEncryptedColumns, ...peopleEncryptedColumns, ...adoptionsEncryptedColumns, ...contractsEncryptedColumns, ...aiEncryptedColumns, ...lostFoundEncryptedColumns, ...vetThreadEncryptedColumns];

/** Every control-plane table with application-encrypted columns: operators' emails and the vets'. */
export const controlEncryptedColumns: EncryptedColumns[] = [{ table: 'operators', key: 'id', columns: ['email_enc'] }, ...vetsEncryptedColumns];

/** What handlers need from the running process. */
export interface JobDeps {
  /** The current key ring (it changes when keys rotate). */
  keyRing: () => KeyRing;
  /** The mail adapter (SMTP or the outbox). */
  mailer: () => Mailer;
  /** The job registry, for handlers that queue further jobs (mail). */
  jobs: () => JobRegistry;
  /** Runs a step on every active rescue, for control-plane jobs that fan out. */
  eachTenant: TenantFanOut;
  /** Where the rescues' blob stores live (`<uploads>/<slug>`). */
  uploadsDir: string;
  /** The process's clock, read when a job judges ages (ms since the epoch). */
  now: () => number;
  /** Runs one backup layer as `kona backup run --layer` does (lock, records, pruning). */
  backup: (layer: 'dump' | 'snapshot' | 'restic') => Promise<void>;
  /** UTC cron of each scheduled backup layer; undefined: not scheduled (`off`), still runnable by hand. */
  backupCron: { dump?: string; snapshot?: string; restic?: string };
  /** The pgBackRest-archived server that gets a PITR mark every five minutes (unset: no marks). */
  pitrMarkUrl?: string;
  /** The process's settings (AI jobs read their models and deadlines). */
  config: Config;
  /** The model dispatcher's client, once the process has one (absent: AI jobs take the simpler path). */
  inference: () => DispatcherClient | undefined;
}

/** The handlers, one per declared job. */
export function jobDefinitions(deps: JobDeps): JobDefinition<z.ZodType>[] {
  return [
    defineJob({
      name: 'maintenance.prune-login-attempts',
      schema: z.object({}),
      cron: '17 * * * *',
      handler: async (_payload, ctx) => pruneAttempts(ctx.source.db.kysely),
    }),
    defineJob({
      name: 'maintenance.prune-sessions',
      schema: z.object({}),
      cron: '23 3 * * *',
      // Sessions idle for a week are long past any configured timeout; deleting them keeps the table small.
      handler: async (_payload, ctx) => {
        if (ctx.source.label === 'control') return;
        const db = ctx.source.db.kysely as unknown as Kysely<TenantSchema>;
        await db.deleteFrom('sessions').where('last_seen_at', '<', new Date(Date.now() - 7 * 86_400_000)).execute();
        // Public application attempts count for an hour; older ones only take space.
        await pruneApplicationAttempts(db);
      },
    }),
    defineJob({
      name: 'maintenance.sweep-uploads',
      schema: z.object({}),
      cron: '41 * * * *',
      // Uploads from a process killed mid-request leave partial files; one sweep of the shared
      // uploads directory covers every rescue, so only the control plane's run does it.
      handler: async (_payload, ctx) => {
        if (ctx.source.label !== 'control') return;
        const swept = await sweepUploads(deps.uploadsDir, deps.now());
        if (swept.removed + swept.restored > 0) ctx.logger.info({ ...swept }, 'swept leftovers of interrupted uploads');
      },
    }),
    defineJob({
      name: 'keys.reencrypt',
      schema: z.object({ keyId: z.string() }),
      maxAttempts: 10,
      // Batched and resumable: a restart or a retry continues with the rows still under old keys.
      handler: async (payload, ctx) => {
        const ring = deps.keyRing();
        if (ring.currentKeyId !== payload.keyId) {
          throw new Error(`this process encrypts with key ${ring.currentKeyId}, not ${payload.keyId}: restart it with the new key ring`);
        }
        let changed = 0;
        const specs = ctx.source.label === 'control' ? controlEncryptedColumns : tenantEncryptedColumns;
        for (const spec of specs) changed += await reencryptTable(ctx.source.db.kysely, spec, ring, ctx.signal);
        ctx.logger.info({ keyId: payload.keyId, rows: changed }, 're-encryption finished');
      },
    }),
    defineJob({
      name: mailJobName,
      schema: sealedMailSchema,
      // 2 s doubling to an hourly cap: 20 attempts ride out an SMTP outage of several hours; after
      // that the job shows as failed on /hub/jobs, where it can be retried, so no mail is lost.
      maxAttempts: 20,
      handler: async (payload, ctx) => deliverMail(deps, payload, ctx),
    }),
    // Whole-server work: only the control plane's queue runs it (every queue holds the schedule).
    defineJob({
      name: 'backup.dump',
      schema: z.object({}),
      cron: deps.backupCron.dump,
      maxAttempts: 3,
      handler: async (_payload, ctx) => {
        if (ctx.source.label === 'control') await deps.backup('dump');
      },
    }),
    defineJob({
      name: 'backup.snapshot',
      schema: z.object({}),
      cron: deps.backupCron.snapshot,
      maxAttempts: 3,
      handler: async (_payload, ctx) => {
        if (ctx.source.label === 'control') await deps.backup('snapshot');
      },
    }),
    defineJob({
      name: 'backup.restic',
      schema: z.object({}),
      cron: deps.backupCron.restic,
      maxAttempts: 3,
      handler: async (_payload, ctx) => {
        if (ctx.source.label === 'control') await deps.backup('restic');
      },
    }),
    ...notificationJobs(deps),
    ...aiJobs({ config: deps.config, keyRing: deps.keyRing, inference: deps.inference, now: deps.now }),
    ...matchingJobs({ uploadsDir: deps.uploadsDir, jobs: deps.jobs, embedder: () => embedderFor(deps.config.settings.KONA_MATCHING_MODEL, dispatcherEmbedders(deps.inference)) }),
    ...lostFoundJobs({ uploadsDir: deps.uploadsDir, now: deps.now, keepDays: () => deps.config.settings.KONA_LOSTFOUND_KEEP_DAYS, messageKeepDays: () => deps.config.settings.KONA_LOSTFOUND_MESSAGE_KEEP_DAYS }),
    defineJob({
      name: pitrMarkJob,
      schema: z.object({}),
      cron: '*/5 * * * *',
      // Marks between base backups give a PITR drill rows on both sides of any target it picks.
      handler: async (_payload, ctx) => {
        if (ctx.source.label !== 'control' || !deps.pitrMarkUrl) return;
        await writePitrMark(deps.pitrMarkUrl);
      },
    }),
  ] as JobDefinition<z.ZodType>[];
}
