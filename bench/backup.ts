/**
 * `npm run bench:backup`: backup time and size per layer and the RTO of the drills, for a rescue
 * with BENCH_BACKUP_DOGS dogs (default "1000,10000"; each with photos, seeded as bench:web does)
 * on the embedded default, with a real restic repository. Writes bench/results/backup.json.
 * BENCH_BACKUP_DOGS=100 gives a quick check that it runs. The PITR drill needs a PostgreSQL server
 * archived by pgBackRest and is measured by src/ops/drill/pitr.test.ts (its precision is the
 * report's precisionMs); here it is reported as not measured.
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
import { seedBenchRescue } from './web-seed.js';

type Outcome = { layer: string; kind: string | null; status: string; bytes?: number; error?: string };

const sizes = (process.env.BENCH_BACKUP_DOGS ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);

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
    const seeded = await timed(() => seedBenchRescue(env, dogs));
    const rt = await openRuntime(loadConfig(env), createLogger('warn'));
    try {
      const layers: Record<string, unknown> = {};
      for (const layer of ['dump', 'snapshot', 'restic']) {
        const { seconds, result } = await timed(() => backupCommands['backup.run']!(rt, { layer }) as Promise<{ ok: boolean; runs: Outcome[] }>);
        if (!result.ok) throw new Error(`backup ${layer} failed: ${result.runs.map((r) => r.error).join('; ')}`);
        layers[layer] = { seconds, bytes: result.runs.reduce((n, r) => n + (r.bytes ?? 0), 0), runs: result.runs.map((r) => ({ kind: r.kind, bytes: r.bytes ?? null })) };
      }
      const keys = path.join(dir, 'key-backup.json');
      writeFileSync(keys, JSON.stringify(secretValues(rt.ctx.config)), { mode: 0o600 });
      const drills: Record<string, unknown> = {};
      for (const [kind, command, args] of [['dump', 'drill.dump', { tenant: 'bench' }], ['restic', 'drill.restic', {}], ['rebuild', 'drill.rebuild', { tenant: 'bench', keys }]] as const) {
        const { seconds, result } = await timed(() => backupCommands[command]!(rt, args) as Promise<{ verdict: string; rtoSeconds: number; checks: { name: string; ok: boolean; detail: string }[] }>);
        drills[kind] = { verdict: result.verdict, rtoSeconds: result.rtoSeconds, wallSeconds: seconds, failed: result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`) };
      }
      drills.pitr = { measured: false, why: 'needs a PostgreSQL server archived by pgBackRest; see src/ops/drill/pitr.test.ts (precisionMs in its report)' };
      return { dogs, seedSeconds: seeded.seconds, layers, drills };
    } finally {
      await rt.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const dogs of sizes) {
  process.stdout.write(`bench:backup: ${dogs} dogs…\n`);
  const r = await benchSize(dogs);
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  results.push(r);
}
const out = path.join(packageRoot(), 'bench', 'results', 'backup.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), engine: 'embedded', results }, null, 2)}\n`);
process.stdout.write(`Wrote ${out}\n`);
