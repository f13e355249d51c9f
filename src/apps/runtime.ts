import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../platform/clock/clock.js';
import type { Config } from '../platform/config/config.js';
import { loadSecrets, type Secrets } from '../platform/crypto/secrets.js';
import { openDatabase, type Database } from '../platform/db/driver.js';
import { migrateSet } from '../platform/db/migrate.js';
import type { ControlSchema } from '../platform/db/schema.js';
import type { AppContext } from '../platform/http/context.js';
import { JobRegistry } from '../platform/jobs/index.js';
import { createMailer } from '../platform/mail/index.js';
import { createMetrics, type Metrics } from '../platform/metrics/metrics.js';
import { TenantDatabases } from '../platform/tenancy/tenant-databases.js';
import { migrateAllTenants } from '../platform/tenancy/tenants.service.js';
import { tenantFanOut } from '../platform/tenancy/fan-out.js';
import { blobDirMode, sweepUploads } from '../platform/storage/index.js';
import { runBackups } from '../ops/backup/run.js';
import { backupContext } from './backup-context.js';
import { archivedServerUrl } from '../ops/backup/archive.config.js';
import { backupMetrics } from './backup-metrics.js';
import { declaredJobs, jobDefinitions } from './jobs.js';

/** A cron setting's schedule: undefined when it is `off`. */
function scheduled(cron: string): string | undefined {
  return cron === 'off' ? undefined : cron;
}

/** An opened Kona: control plane and tenants migrated, secrets loaded, jobs registered. */
export interface Runtime {
  ctx: AppContext;
  metrics: Metrics;
  jobs: JobRegistry;
  close(): Promise<void>;
}

/** Opens the control-plane database the configuration names (embedded under the data directory by default). */
export function openControl(config: Config, metrics?: Metrics): Promise<Database<ControlSchema>> {
  const url = config.settings.KONA_CONTROL_DATABASE_URL;
  return openDatabase<ControlSchema>(
    url ? { kind: 'postgres', url } : { kind: 'embedded', dir: path.join(config.dataDir, 'control') },
    metrics?.dbObserver('control'),
  );
}

// Owner-only from the top: the data directory holds the embedded databases (PGlite writes its files
// with the umask's mode), the outbox, keys and uploads; a 0700 directory keeps all of them from other
// users, files written before included.
function makePrivate(dirs: string[], logger: Logger): void {
  for (const dir of dirs) {
    mkdirSync(dir, { recursive: true });
    try {
      chmodSync(dir, blobDirMode);
    } catch (err) {
      logger.warn({ dir, err: (err as Error).message }, 'could not make a data directory owner-only (0700)');
    }
  }
}

/**
 * Clears what uploads interrupted by a crash left behind (as the hourly maintenance.sweep-uploads
 * job does), so `kona serve` and `kona worker` start clean. A failure is logged: it never stops a start.
 */
export async function sweepUploadsAtStart(rt: Runtime): Promise<void> {
  const { config, logger } = rt.ctx;
  try {
    const swept = await sweepUploads(config.uploadsDir, (rt.ctx.clock ?? systemClock).now());
    if (swept.removed + swept.restored > 0) logger.info({ ...swept }, 'swept leftovers of interrupted uploads');
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'could not sweep the uploads directory; the hourly job will try again');
  }
}

/**
 * Opens everything a process role needs and applies pending migrations to the control plane and
 * every active tenant. Refuses to start if a declared job has no handler.
 */
export async function openRuntime(config: Config, logger: Logger, options: { secrets?: Secrets; clock?: Clock } = {}): Promise<Runtime> {
  makePrivate([config.dataDir, config.uploadsDir], logger);
  const secrets = options.secrets ?? loadSecrets(config);
  let ctx: AppContext | undefined;
  const mailer = createMailer(config);
  const jobs = new JobRegistry();
  const clock = options.clock ?? systemClock;
  for (const def of jobDefinitions({
    keyRing: () => (ctx?.secrets ?? secrets).keyRing,
    mailer: () => mailer,
    jobs: () => jobs,
    eachTenant: (step) => tenantFanOut(ctx!.control.kysely, () => ctx!.tenants)(step),
    uploadsDir: config.uploadsDir,
    now: () => clock.now(),
    backup: async (layer) => {
      // A failed layer is recorded in backup_runs (and alerts); the job fails too, so it is retried and shows on /hub/jobs.
      const outcomes = await runBackups(backupContext(ctx!), { layer });
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (failed.length) throw new Error(`backup ${layer}: ${failed.map((f) => `${f.tenantSlug ?? f.kind}: ${f.error}`).join('; ')}`);
    },
    backupCron: { dump: scheduled(config.settings.KONA_BACKUP_DUMP_CRON), snapshot: config.embeddedControlPlane ? scheduled(config.settings.KONA_BACKUP_SNAPSHOT_CRON) : undefined,
      restic: config.settings.KONA_RESTIC_REPOSITORY ? scheduled(config.settings.KONA_BACKUP_RESTIC_CRON) : undefined,
    },
    pitrMarkUrl: config.settings.KONA_PGBACKREST_PG_PATH ? archivedServerUrl(config) : undefined,
    config,
    inference: () => ctx?.inference,
  })) jobs.register(def);
  jobs.assertComplete(declaredJobs);
  const metrics = createMetrics();
  const control = await openControl(config, metrics);
  try {
    const { applied } = await migrateSet(control, 'control');
    if (applied.length) logger.info({ migrations: applied.map((m) => m.version) }, 'control plane migrated');
    metrics.addPoolSource('control', () => control.poolStats());
    metrics.addRegistry(backupMetrics(config, control, metrics));
    const tenants = new TenantDatabases(
      control.kysely,
      config.dataDir,
      (slug) => metrics.dbObserver(metrics.tenantLabel(slug)),
      (handle) => metrics.addPoolSource(metrics.tenantLabel(handle.slug), () => handle.db.poolStats()),
      (slug) => metrics.removePoolSource(metrics.tenantLabel(slug)),
    );
    ctx = { config, secrets, control, tenants, logger, mailer, jobs, clock };
    for (const r of await migrateAllTenants({ control: control.kysely, dataDir: config.dataDir, embeddedAllowed: config.embeddedControlPlane, tenants })) {
      if (r.error) logger.error({ tenant: r.slug, err: r.error }, 'tenant migration failed; its site stays closed until fixed');
      else if (r.applied) logger.info({ tenant: r.slug, migrations: r.applied }, 'tenant migrated');
    }
    return {
      ctx: ctx,
      metrics,
      jobs,
      close: async () => {
        await tenants.closeAll();
        await control.close();
        await mailer.close();
      },
    };
  } catch (err) {
    await control.close();
    await mailer.close();
    throw err;
  }
}
