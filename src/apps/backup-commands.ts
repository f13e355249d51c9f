/**
 * The backup and drill commands of the admin channel: run where the databases are held (the running
 * server, or the CLI under the data-directory lock), so an embedded database is dumped through the
 * one process that owns it.
 */
import { z } from 'zod';
import { secretValues } from '../platform/crypto/secrets.js';
import { backupContext } from './backup-context.js';
import { backupLayout } from '../ops/backup/layout.js';
import { listBackups } from '../ops/backup/list.js';
import { runBackups } from '../ops/backup/run.js';
import { verifyBackups } from '../ops/backup/verify.js';
import { runDumpDrill } from '../ops/drill/dump-drill.js';
import { tenantEncryptedColumns } from './jobs.js';
import type { Runtime } from './runtime.js';

/** Admin commands: backup.run, backup.list, backup.verify, drill.dump. */
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
  'backup.verify': async (rt) => {
    const results = await verifyBackups(backupLayout(rt.ctx.config.backupDir));
    return { ok: Object.values(results).every((r) => r.problems.length === 0), results };
  },
  'drill.dump': async (rt, args) => {
    const a = z.object({ tenant: z.string().optional(), from: z.string().optional(), force: z.boolean().default(false), smoke: z.boolean().default(true) }).parse(args);
    return runDumpDrill(
      { ctx: backupContext(rt.ctx), keyRing: rt.ctx.secrets.keyRing, keyValues: secretValues(rt.ctx.config), encryptedColumns: tenantEncryptedColumns, smoke: a.smoke },
      { tenantSlug: a.tenant, from: a.from, force: a.force },
    );
  },
};
