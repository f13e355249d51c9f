/**
 * The backup and drill commands of the admin channel: run where the databases are held (the running
 * server, or the CLI under the data-directory lock), so an embedded database is dumped through the
 * one process that owns it.
 */
import path from 'node:path';
import { z } from 'zod';
import { systemClock } from '../platform/clock/clock.js';
import { secretValues } from '../platform/crypto/secrets.js';
import { backupContext } from './backup-context.js';
import { resticSettingsFrom } from '../ops/backup/archive.config.js';
import { backupLayout } from '../ops/backup/layout.js';
import { listBackups } from '../ops/backup/list.js';
import { runBackups } from '../ops/backup/run.js';
import { verifyBackups } from '../ops/backup/verify.js';
import { runDumpDrill, type DrillDeps } from '../ops/drill/dump-drill.js';
import { drillRebuild } from '../ops/drill/rebuild.js';
import { recordDrill } from '../ops/drill/report.js';
import { drillRestic } from '../ops/drill/restic.js';
import { restoreDumpProved } from '../ops/drill/restic.dump.js';
import { tenantEncryptedColumns } from './jobs.js';
import type { Runtime } from './runtime.js';

function drillDeps(rt: Runtime, smoke: boolean): DrillDeps {
  return { ctx: backupContext(rt.ctx), keyRing: rt.ctx.secrets.keyRing, keyValues: secretValues(rt.ctx.config), encryptedColumns: tenantEncryptedColumns, smoke };
}

/** Admin commands: backup.run, backup.list, backup.verify, drill.dump, drill.restic, drill.rebuild. */
export const backupCommands: Record<string, (rt: Runtime, args: Record<string, unknown>) => Promise<unknown>> = {
  'backup.run': async (rt, args) => {
    const a = z.object({ tenant: z.string().optional(), layer: z.string().optional() }).parse(args);
    const outcomes = await runBackups(backupContext(rt.ctx, { tenantSlug: a.tenant }), { layer: a.layer });
    return { ok: outcomes.every((o) => o.status === 'ok'), runs: outcomes };
  },
  'backup.list': async (rt, args) => {
    const a = z.object({ tenant: z.string().optional() }).parse(args);
    return listBackups(backupContext(rt.ctx), { tenantSlug: a.tenant });
  },
  'backup.verify': async (rt, args) => {
    const a = z.object({ readData: z.boolean().default(false) }).parse(args);
    const restic = rt.ctx.config.settings.KONA_RESTIC_REPOSITORY ? resticSettingsFrom(rt.ctx.config) : undefined;
    const results = await verifyBackups(backupLayout(rt.ctx.config.backupDir), { restic, readData: a.readData });
    return { ok: Object.values(results).every((r) => r.problems.length === 0), results };
  },
  'drill.dump': async (rt, args) => {
    const a = z.object({ tenant: z.string().optional(), from: z.string().optional(), force: z.boolean().default(false), smoke: z.boolean().default(true) }).parse(args);
    return runDumpDrill(drillDeps(rt, a.smoke), { tenantSlug: a.tenant, from: a.from, force: a.force });
  },
  'drill.restic': async (rt, args) => {
    const a = z.object({ snapshot: z.string().optional(), smoke: z.boolean().default(true) }).parse(args);
    const { config } = rt.ctx;
    const restic = resticSettingsFrom(config);
    const deps = drillDeps(rt, a.smoke);
    const { report, file } = await recordDrill({ control: rt.ctx.control.kysely, layout: deps.ctx.layout, clock: rt.ctx.clock ?? systemClock }, 'restic', () => drillRestic({
      restic, backupDir: config.backupDir, uploadsDir: config.uploadsDir, workDir: path.join(config.backupDir, 'restore-work'), snapshot: a.snapshot, restoreDump: restoreDumpProved(deps),
    }));
    return { ...report, reportFile: file };
  },
  'drill.rebuild': async (rt, args) => {
    const a = z.object({ tenant: z.string().min(1), keys: z.string().min(1), snapshot: z.string().optional(), smoke: z.boolean().default(true) }).parse(args);
    const ctx = backupContext(rt.ctx);
    const restic = resticSettingsFrom(rt.ctx.config);
    const { report, file } = await recordDrill({ control: rt.ctx.control.kysely, layout: ctx.layout, clock: rt.ctx.clock ?? systemClock }, 'rebuild', () => drillRebuild(ctx, {
      slug: a.tenant, keysFile: path.resolve(a.keys), restic, encryptedColumns: tenantEncryptedColumns, snapshot: a.snapshot, smoke: a.smoke,
    }));
    return { ...report, reportFile: file };
  },
};
