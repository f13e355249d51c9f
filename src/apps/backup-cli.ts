/**
 * `kona backup run|list|verify|archive-command`, `kona drill restore <kind>` and `kona keys export`:
 * what the operator types. The dump, snapshot and restic layers and their drills ask the admin
 * channel (the running server, or this process under the lock); pgBackRest (base) and the PITR drill
 * run here, on the database server's host (archive-commands.ts). Each prints a report; a failure
 * exits non-zero.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../platform/config/config.js';
import { loadConfig } from '../platform/config/config.js';
import { secretValues } from '../platform/crypto/secrets.js';
import type { AdminRequest } from '../platform/runtime/admin-socket.js';
import type { LayerOutcome } from '../ops/backup/context.js';
import { backupLayers } from '../ops/backup/layers.js';
import type { BackupListing } from '../ops/backup/list.js';
import type { VerifyResult } from '../ops/backup/verify.js';
import type { DrillReport } from '../ops/drill/dump-drill.js';
import type { DrillReport as ArchiveDrillReport } from '../ops/drill/report.js';
import { backupArchiveCommand, backupRunBaseLayer, drillRestorePitr } from './archive-commands.js';

type Admin = (config: Config, request: AdminRequest) => Promise<unknown>;

const out = (line = '') => process.stdout.write(`${line}\n`);
const size = (bytes?: number | null) => (bytes == null ? '' : bytes < 1024 ? `${bytes} B` : bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`);

/** Adds the backup, drill and key-export commands to the program. */
export function addBackupCommands(program: Command, keys: Command, admin: Admin): void {
  const backup = program.command('backup').description('Back up rescues, the control plane, the uploads and the data directory');
  backup
    .command('run')
    .description('Take backups now (every default layer, or one), record them and prune by the keep rules')
    .option('--tenant <slug>', 'only this rescue')
    .option('--layer <name>', `only this layer: ${Object.entries(backupLayers).map(([n, l]) => `${n} (${l.description})`).join('; ')}; base (pgBackRest backup into repo1 and repo2, then expire)`)
    .option('--type <type>', 'base backup type: full, diff or incr', 'incr')
    .action(async (o: { tenant?: string; layer?: string; type: string }) => {
      if (o.layer === 'base') {
        if (!['full', 'diff', 'incr'].includes(o.type)) throw new Error('--type must be full, diff or incr');
        out(JSON.stringify(await backupRunBaseLayer(loadConfig(), o.type as 'full' | 'diff' | 'incr'), null, 2));
        return;
      }
      const r = (await admin(loadConfig(), { command: 'backup.run', args: { tenant: o.tenant, layer: o.layer } })) as { ok: boolean; runs: LayerOutcome[] };
      for (const run of r.runs) {
        out(`${run.status === 'ok' ? 'ok    ' : 'FAILED'} ${run.layer.padEnd(8)} ${(run.kind ?? '').padEnd(8)} ${(run.tenantSlug ?? '-').padEnd(20)} ${run.status === 'ok' ? `${size(run.bytes)}  ${run.location}` : run.error}`);
      }
      if (!r.ok) process.exitCode = 1;
    });
  backup
    .command('archive-command')
    .description('Write pgbackrest.conf and print the archive_mode, wal_level and archive_command to set on the PostgreSQL server')
    .action(() => {
      out(JSON.stringify(backupArchiveCommand(loadConfig()), null, 2));
    });
  backup
    .command('list')
    .description('Backups on disk with the keep rule that keeps each, and the recent runs')
    .option('--tenant <slug>', 'only this rescue')
    .action(async (o: { tenant?: string }) => {
      const l = (await admin(loadConfig(), { command: 'backup.list', args: { tenant: o.tenant } })) as BackupListing;
      out(`Keep rules: dump ${l.keep.dump}; snapshot ${l.keep.snapshot}`);
      out();
      if (!l.backups.length) out('No backups on disk yet. Take one with: kona backup run');
      for (const b of l.backups) out(`${b.at}  ${b.layer.padEnd(8)} ${b.what.padEnd(24)} ${b.path}  ${b.keptBy.length ? `kept: ${b.keptBy.join(', ')}` : 'pruned on the next run'}`);
      out();
      out('Recent runs:');
      for (const r of l.runs) {
        out(`${new Date(r.startedAt).toISOString()}  ${r.status.padEnd(7)} ${r.layer.padEnd(8)} ${(r.kind ?? '').padEnd(8)} ${(r.tenantSlug ?? '-').padEnd(20)} ${r.status === 'failed' ? r.error : size(r.bytes)}`);
      }
    });
  backup
    .command('verify')
    .description('Re-hash every dump against its manifest and every uploads manifest against the uploads; with KONA_RESTIC_REPOSITORY also restic check')
    .option('--read-data', 'restic: also read and verify every pack')
    .action(async (o: { readData?: boolean }) => {
      const r = (await admin(loadConfig(), { command: 'backup.verify', args: { readData: o.readData === true } })) as { ok: boolean; results: Record<string, VerifyResult> };
      for (const [name, v] of Object.entries(r.results)) {
        out(`${name}: ${v.checked} checked, ${v.problems.length ? `${v.problems.length} problems` : 'all match'}`);
        for (const p of v.problems) out(`  - ${p}`);
      }
      if (!r.ok) process.exitCode = 1;
    });

  program
    .command('drill')
    .description('Restore drills: restore into a fresh place and prove it worked')
    .command('restore')
    .description('Restore drills by kind: dump, pitr, restic or rebuild')
    .argument('<kind>', 'dump: a rescue\'s dump into a new database (or PGlite directory), checked by figures, amcheck, keys and a Kona process serving it; pitr: pgBackRest to --target time (marks, timeline, pg_amcheck); restic: dumps and uploads pulled back, manifests checked, dumps restored and proved; rebuild: one rescue rebuilt into a fresh data directory from the backups and the key backup alone (database, uploads, registry entry), proved and smoke-tested')
    .option('--tenant <slug>', 'dump, rebuild: the rescue whose newest dump is restored')
    .option('--keys <file>', 'rebuild: the key backup written by kona keys export')
    .option('--from <dir>', 'dump: a dump folder (with its manifest.json)')
    .option('--force', 'dump: restore over a database a previous drill left behind')
    .option('--target <time>', 'pitr: the time to recover to, with its zone (e.g. 2026-12-07T16:05:00Z)')
    .option('--snapshot <id>', 'restic, rebuild: snapshot id (default: the newest)')
    .action(async (kind: string, o: { tenant?: string; keys?: string; from?: string; force?: boolean; target?: string; snapshot?: string }) => {
      if (kind === 'pitr') {
        out(JSON.stringify(await drillRestorePitr(loadConfig(), o), null, 2));
        return;
      }
      if (kind === 'restic' || kind === 'rebuild') {
        if (kind === 'rebuild' && (!o.tenant || !o.keys)) throw new Error('kona drill restore rebuild needs --tenant <slug> and --keys <file> (the key backup from kona keys export)');
        const args = kind === 'restic' ? { snapshot: o.snapshot } : { tenant: o.tenant, keys: o.keys, snapshot: o.snapshot };
        const r = (await admin(loadConfig(), { command: `drill.${kind}`, args })) as ArchiveDrillReport & { reportFile: string };
        out(JSON.stringify(r, null, 2));
        if (r.verdict !== 'pass') process.exitCode = 1;
        return;
      }
      if (kind !== 'dump') throw new Error(`kona drill restore <kind>: kind must be dump, pitr, restic or rebuild (got "${kind}")`);
      const r = (await admin(loadConfig(), { command: 'drill.dump', args: { tenant: o.tenant, from: o.from, force: o.force === true } })) as DrillReport;
      out(`Dump drill for ${r.tenant}: ${r.verdict.toUpperCase()} (RTO ${r.rtoSeconds.toFixed(1)} s)`);
      out(`  from   ${r.from}`);
      out(`  into   ${r.target}${r.keptAt ? ' (kept for inspection)' : ' (removed after the drill)'}`);
      for (const c of r.checks) out(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(10)} ${c.detail}`);
      out(`  report ${r.reportFile}`);
      if (r.verdict !== 'pass') process.exitCode = 1;
    });

  keys
    .command('export <file>')
    .description('Write the key ring to <file> (mode 0600) for the operator to store apart from the backups, which never hold it')
    .action((file: string) => {
      const values = secretValues(loadConfig());
      try {
        writeFileSync(file, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists; choose a new file (an old key backup is never overwritten).`, { cause: err });
        throw err;
      }
      out(`Wrote the key ring to ${file} (owner-only). Store it apart from the backups: without it no backup's personal data can be read.`);
    });
}
