/**
 * `npm run bench:backup`: for a rescue with BENCH_BACKUP_DOGS dogs (default "1000,10000"), each
 * with a photo, medical items and an application (bench/backup-seed.ts: the first
 * BENCH_BACKUP_REAL_DOGS, default 200, through Kona's services, the rest by batched inserts with
 * distinct image bytes through the uploads store), reports the backup time and size of every layer
 * (dump, snapshot and restic on the embedded default; base by pgBackRest on a PostgreSQL server
 * holding the same rescue), the RTO of the four drills (dump, restic, rebuild, pitr) and PITR's
 * precision: the last row present against the target time. Writes bench/results/backup.json and
 * prints one table row per size and layer and per size and drill. BENCH_BACKUP_DOGS=200 checks
 * that it runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { backupCommands } from '../src/apps/backup-commands.js';
import { openRuntime } from '../src/apps/runtime.js';
import { loadConfig } from '../src/platform/config/config.js';
import { secretValues } from '../src/platform/crypto/secrets.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { packageRoot } from '../src/platform/runtime/paths.js';
import { benchPitr } from './backup-pitr.js';
import { seedBackupRescue } from './backup-seed.js';

type Outcome = { layer: string; kind: string | null; status: string; bytes?: number; location?: string; error?: string };

const sizes = (process.env.BENCH_BACKUP_DOGS ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const realDogs = Number(process.env.BENCH_BACKUP_REAL_DOGS ?? 200);

/** Kona's defaults (no KONA_* from the caller's shell) on a fresh data directory, with a restic repository. */
function benchEnv(dir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KONA_')));
  writeFileSync(path.join(dir, 'restic-password'), `${randomBytes(18).toString('base64')}\n`, { mode: 0o600 });
  return {
    ...env, KONA_DATA_DIR: path.join(dir, 'data'), KONA_BACKUP_DIR: path.join(dir, 'backups'), KONA_DEMO: 'false', KONA_JOBS: 'false', KONA_LOG_LEVEL: 'warn',
    KONA_RESTIC_REPOSITORY: path.join(dir, 'restic-repo'), KONA_RESTIC_PASSWORD_FILE: path.join(dir, 'restic-password'),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { seconds: Number(((performance.now() - start) / 1000).toFixed(2)), result };
}

async function benchSize(dogs: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-bench-backup-'));
  try {
    const env = benchEnv(dir);
    const seeded = await timed(() => seedBackupRescue(env, dogs, realDogs));
    const rt = await openRuntime(loadConfig(env), createLogger('warn'));
    try {
      const layers: Record<string, unknown> = {};
      let dumpSql = '';
      for (const layer of ['dump', 'snapshot', 'restic']) {
        const { seconds, result } = await timed(() => backupCommands['backup.run']!(rt, { layer }) as Promise<{ ok: boolean; runs: Outcome[] }>);
        if (!result.ok) throw new Error(`backup ${layer} failed: ${result.runs.map((r) => r.error).join('; ')}`);
        layers[layer] = { seconds, bytes: result.runs.reduce((n, r) => n + (r.bytes ?? 0), 0), runs: result.runs.map((r) => ({ kind: r.kind, bytes: r.bytes ?? null })) };
        if (layer === 'dump') dumpSql = path.join(result.runs.find((r) => r.kind === 'tenant')!.location!, 'dump.sql');
      }
      const keys = path.join(dir, 'key-backup.json');
      writeFileSync(keys, JSON.stringify(secretValues(rt.ctx.config)), { mode: 0o600 });
      const drills: Record<string, unknown> = {};
      for (const [kind, command, args] of [['dump', 'drill.dump', { tenant: 'bench' }], ['restic', 'drill.restic', {}], ['rebuild', 'drill.rebuild', { tenant: 'bench', keys }]] as const) {
        const { seconds, result } = await timed(() => backupCommands[command]!(rt, args) as Promise<{ verdict: string; rtoSeconds: number; checks: { name: string; ok: boolean; detail: string }[] }>);
        drills[kind] = { verdict: result.verdict, rtoSeconds: result.rtoSeconds, wallSeconds: seconds, failed: result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`) };
      }
      // Layer base and the PITR drill need a PostgreSQL server: the same rescue, loaded from its dump.
      const pitr = await benchPitr(rt.ctx.control.kysely, dumpSql, dir);
      layers.base = { ...pitr.base, engine: 'postgres (pgBackRest, repo1 + repo2)' };
      drills.pitr = { ...pitr.drill, wallSeconds: Number(pitr.drill.rtoSeconds.toFixed(2)) };
      return { dogs, seedSeconds: seeded.seconds, seeded: seeded.result, layers, drills };
    } finally {
      await rt.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (b: unknown) => (typeof b === 'number' ? `${(b / 1e6).toFixed(1)} MB` : '—');

/** One row per size and layer, and per size and drill. */
function table(results: Record<string, unknown>[]): string {
  const rows = [['dogs', 'what', 'seconds', 'size', 'verdict', 'RTO s', 'PITR precision']];
  for (const r of results) {
    for (const [layer, v] of Object.entries(r.layers as Record<string, { seconds: number; bytes: number | null }>)) rows.push([String(r.dogs), `layer ${layer}`, String(v.seconds), mb(v.bytes), '', '', '']);
    for (const [kind, v] of Object.entries(r.drills as Record<string, { verdict: string; rtoSeconds: number; wallSeconds: number; precisionMs?: number; lastMarkPresent?: string; target?: string }>)) {
      rows.push([String(r.dogs), `drill ${kind}`, String(v.wallSeconds), '', v.verdict, v.rtoSeconds.toFixed(2), kind === 'pitr' ? `last row ${v.lastMarkPresent} vs target ${v.target} (${v.precisionMs} ms)` : '']);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const results: Record<string, unknown>[] = [];
for (const dogs of sizes) {
  process.stdout.write(`bench:backup: ${dogs} dogs…\n`);
  const r = await benchSize(dogs);
  process.stdout.write(`seeded in ${r.seedSeconds} s: ${(r.seeded as { how: string }).how}\n`);
  results.push(r);
}
process.stdout.write(`${table(results)}\n`);
const out = path.join(packageRoot(), 'bench', 'results', 'backup.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), engine: 'embedded (layer base and the pitr drill: a PostgreSQL server with pgBackRest)', realDogs, results }, null, 2)}\n`);
process.stdout.write(`Wrote ${out}\n`);
