import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { backupContext } from '../../apps/backup-context.js';
import { tenantEncryptedColumns } from '../../apps/jobs.js';
import { createContact } from '../../features/people/people.service.js';
import { multipartBody, showDogPublicly } from '../../features/photos/photos.testing.js';
import { KeyRing, parseKeyList } from '../../platform/crypto/keyring.js';
import { secretValues } from '../../platform/crypto/secrets.js';
import { openDatabase } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { backupLayers } from '../backup/layers.js';
import { backupLayout } from '../backup/layout.js';
import { backupMetricsRegistry } from '../backup/metrics.js';
import { listBackupRuns, runOutcomes } from '../backup/runs.js';
import { readTableStats } from '../backup/table-stats.js';
import { BackupBusyError, runBackups } from '../backup/run.js';
import { verifyBackups } from '../backup/verify.js';
import { removeRestored, restoreTenantDump, RestoreRefused, verifyRestored, type RestoreTarget } from './dump.js';
import { runDumpDrill } from './dump-drill.js';

// Real databases, a real pg_dump/pg_restore and a real `kona serve` for the smoke test, on two busy cores.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const canary = { email: `canary-${randomBytes(4).toString('hex')}@pii.example`, phone: '+44 7700 900123' };

describe.each(engines)('the dump layer and the dump drill on %s', (engine) => {
  let t: TestApp;
  let backupDir: string;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const extraTargets: RestoreTarget[] = [];
  // Each backup run is a day after the last, so stamps differ and the keep rules have dates to judge.
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 2, 30));
  const ctx = (extra = {}) => backupContext(t.rt.ctx, { now: () => new Date(clock.now()), ...extra });
  const nextDay = () => clock.advance(86_400_000);

  async function dogWithPhoto(name: string) {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await showDogPublicly(db, id);
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: 90, height: 60 }) }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
  }

  /** A target beside the drill's own, removed after the tests. */
  function scratchTarget(name: string): RestoreTarget {
    const target: RestoreTarget = engine === 'embedded'
      ? { kind: 'embedded', dir: path.join(backupDir, 'scratch', name) }
      : { kind: 'postgres', url: Object.assign(new URL(tenantUrl()), { pathname: `/kona_scratch_${name}_${randomBytes(3).toString('hex')}` }).toString() };
    extraTargets.push(target);
    return target;
  }
  let tenantUrlValue = '';
  const tenantUrl = () => tenantUrlValue;

  beforeAll(async () => {
    backupDir = mkdtempSync(path.join(tmpdir(), 'kona-backups-'));
    t = await createTestApp(engine, { KONA_BACKUP_DIR: backupDir, KONA_BACKUP_KEEP: 'last=2' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'admin'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const row = await t.rt.ctx.control.kysely.selectFrom('tenants').select('db_url').where('slug', '=', 'alpha').executeTakeFirstOrThrow();
    tenantUrlValue = row.db_url ?? '';
    await dogWithPhoto('Biscuit');
    await createContact({ db, keyRing: t.rt.ctx.secrets.keyRing }, { name: 'Pat Canary', email: canary.email, phone: canary.phone, address: '', organisation: '', notes: '', roles: ['adopter'] }, { type: 'system' });
  });
  afterAll(async () => {
    for (const target of extraTargets) await removeRestored(target).catch(() => {});
    await t?.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('dumps the rescue, the registry and the uploads with manifests; the PII canary is only ciphertext in the dump', async () => {
    nextDay();
    const outcomes = await runBackups(ctx(), { layer: 'dump' });
    expect(outcomes.map((o) => [o.kind, o.status])).toEqual([['tenant', 'ok'], ['control', 'ok'], ['uploads', 'ok']]);
    const dumpDir = outcomes[0]!.location!;
    const manifest = JSON.parse(readFileSync(path.join(dumpDir, 'manifest.json'), 'utf8'));
    expect(manifest.engine).toBe(engine);
    expect(manifest.tables['public.dogs'].rows).toBe(1);
    expect(manifest.tables['public.contacts'].rows).toBe(1);
    const raw = readFileSync(path.join(dumpDir, manifest.files[0].path));
    expect(raw.includes(Buffer.from(canary.email))).toBe(false);
    expect(raw.includes(Buffer.from('900123'))).toBe(false);
    expect(raw.includes(Buffer.from('Pat Canary'))).toBe(false);
    const uploads = JSON.parse(readFileSync(outcomes[2]!.location!, 'utf8'));
    expect(uploads.files.length).toBeGreaterThan(0);
    expect(uploads.files.every((f: { path: string }) => f.path.startsWith('alpha/'))).toBe(true);
    // The key ring is in no backup.
    const { KONA_ENCRYPTION_KEYS } = secretValues(t.rt.ctx.config);
    const key = KONA_ENCRYPTION_KEYS.split(':')[1]!;
    const grep = spawnSync('grep', ['-rlF', key, backupDir], { encoding: 'utf8' });
    expect([grep.status, grep.stdout]).toEqual([1, '']);
    expect((await verifyBackups(ctx().layout)).dumps).toEqual({ checked: 2, problems: [] });
    const runs = await listBackupRuns(t.rt.ctx.control.kysely, { layer: 'dump' });
    expect(runs.filter((r) => r.status === 'ok')).toHaveLength(3);
  });

  it('restores the dump into a fresh place: the canary decrypts with the kept keys and is unreadable without them', async () => {
    const dumpDir = path.join(ctx().layout.tenantDumps('alpha'), readdirSync(ctx().layout.tenantDumps('alpha'))[0]!);
    const target = scratchTarget('canary');
    const { manifest } = await restoreTenantDump({ dumpDir, target });
    const checks = await verifyRestored({ target, manifest });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([['tables', true], ['sequences', true], ['amcheck', true]]);
    const restored = await openDatabase<TenantSchema>(target);
    try {
      const row = await restored.kysely.selectFrom('contacts').select(['email_enc', 'phone_enc']).executeTakeFirstOrThrow();
      expect(t.rt.ctx.secrets.keyRing.decrypt(row.email_enc!)).toBe(canary.email);
      const stranger = new KeyRing(parseKeyList(`t1:${randomBytes(32).toString('base64')}`), randomBytes(32));
      expect(() => stranger.decrypt(row.email_enc!)).toThrow();
    } finally {
      await restored.close();
    }
    await expect(restoreTenantDump({ dumpDir, target })).rejects.toThrow(/needs --force/);
    await expect(restoreTenantDump({ dumpDir, target, force: true })).resolves.toMatchObject({ manifest: { tenant: 'alpha' } });
  });

  it('the dump drill restores, proves and smoke-tests the newest dump, and records its verdict and RTO', async () => {
    const report = await runDumpDrill(
      { ctx: backupContext(t.rt.ctx), keyRing: t.rt.ctx.secrets.keyRing, keyValues: secretValues(t.rt.ctx.config), encryptedColumns: tenantEncryptedColumns },
      { tenantSlug: 'alpha' },
    );
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : c.detail]))).toEqual({ tables: 'ok', sequences: 'ok', amcheck: 'ok', pii: 'ok', uploads: 'ok', 'dog page': 'ok', 'sign-in': 'ok' });
    expect(report.checks.find((c) => c.name === 'dog page')!.detail).toMatch(/and its photo \(\d+ bytes\) are served/);
    expect(report.verdict).toBe('pass');
    expect(JSON.parse(readFileSync(report.reportFile, 'utf8'))).toMatchObject({ verdict: 'pass', kind: 'dump', tenant: 'alpha' });
    expect(existsSync(path.join(ctx().layout.drills, 'restore-alpha'))).toBe(false);
    const [drill] = await listBackupRuns(t.rt.ctx.control.kysely, { layer: 'drill' });
    expect(drill).toMatchObject({ kind: 'dump', tenantSlug: 'alpha', status: 'ok', details: { verdict: 'pass' } });
    expect(typeof drill!.details.rtoSeconds).toBe('number');
  });

  it('refuses a corrupted dump with a clear message and restores nothing', async () => {
    const source = path.join(ctx().layout.tenantDumps('alpha'), readdirSync(ctx().layout.tenantDumps('alpha'))[0]!);
    const copy = path.join(backupDir, 'scratch', `corrupt-${engine}`);
    mkdirSync(path.dirname(copy), { recursive: true });
    cpSync(source, copy, { recursive: true });
    const file = path.join(copy, engine === 'embedded' ? 'dump.sql' : 'dump.pgdump');
    const bytes = readFileSync(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(file, bytes);
    const target = scratchTarget('corrupt');
    await expect(restoreTenantDump({ dumpDir: copy, target })).rejects.toThrow(RestoreRefused);
    await expect(restoreTenantDump({ dumpDir: copy, target })).rejects.toThrow(/does not match its manifest.*sha256 mismatch/);
    if (target.kind === 'embedded') expect(existsSync(target.dir)).toBe(false);
    else {
      const name = new URL(target.url).pathname.slice(1);
      const found = await t.rt.ctx.control.kysely.selectFrom('tenants').select('slug').execute();
      expect(found.length).toBe(1);
      expect(await databaseExists(tenantUrl(), name)).toBe(false);
    }
  });

  it('a dump taken while writes go on is consistent: the restored rows match the manifest', async () => {
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) {
        // Requests arrive as I/O; PGlite answers in microtasks, so a bare loop would starve all I/O.
        await new Promise((resolve) => setImmediate(resolve));
        await createContact({ db, keyRing: t.rt.ctx.secrets.keyRing }, { name: `Writer ${n++}`, email: '', phone: '', address: '', organisation: '', notes: '', roles: ['adopter'] }, { type: 'system' });
      }
      return n;
    })();
    nextDay();
    const [outcome] = await runBackups(ctx({ tenantSlug: 'alpha' }), { layer: 'dump' });
    writing = false;
    const written = await writes;
    expect(outcome!.status).toBe('ok');
    const target = scratchTarget('busy');
    const { manifest } = await restoreTenantDump({ dumpDir: outcome!.location!, target });
    // Writes went on before and after the dump's snapshot: the live table is ahead of the manifest.
    const live = await db.selectFrom('contacts').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(written).toBeGreaterThan(0);
    expect(Number(live.n)).toBeGreaterThan(manifest.tables['public.contacts']!.rows);
    const checks = await verifyRestored({ target, manifest });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('a full disk fails the run with a message that says so, records it failed and leaves no partial dump', async () => {
    const small = path.join(backupDir, `small-${engine}`);
    mkdirSync(small);
    // A 16 KiB tmpfs where this runs as root (CI); elsewhere the writes fail as a full disk would.
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', small]).status === 0;
    const io = mounted ? undefined : { writeFile: async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); } };
    try {
      nextDay();
      const outcomes = await runBackups(ctx({ layout: backupLayout(small), tenantSlug: 'alpha', io }), { layer: 'dump' });
      const tenant = outcomes.find((o) => o.kind === 'tenant')!;
      expect(tenant).toMatchObject({ status: 'failed', tenantSlug: 'alpha' });
      expect(tenant.error).toMatch(/^the backup disk is full/);
      expect(readdirSync(path.join(small, 'dumps', 'alpha'))).toEqual([]);
      const [run] = await listBackupRuns(t.rt.ctx.control.kysely, { layer: 'dump', tenantSlug: 'alpha', limit: 2 }).then((r) => r.filter((x) => x.kind === 'tenant'));
      expect(run).toMatchObject({ status: 'failed', error: tenant.error });
      // The failure alerts at once: KonaBackupRunFailed fires on this series being 1.
      const text = await backupMetricsRegistry({ runOutcomes: () => runOutcomes(t.rt.ctx.control.kysely) }).metrics();
      expect(text).toContain('kona_backup_last_run_failed{layer="dump",kind="tenant",tenant="alpha"} 1');
    } finally {
      if (mounted) spawnSync('umount', [small]);
    }
  });

  it('the data-directory snapshot holds consistent copies of the embedded databases, and no keys', async () => {
    nextDay();
    const [outcome] = await runBackups(ctx(), { layer: 'snapshot' });
    expect(outcome).toMatchObject({ layer: 'snapshot', status: 'ok' });
    const snap = outcome!.location!;
    if (engine === 'postgres') {
      // Every database is on the server (pgBackRest's layer): the snapshot keeps the uploads, and a full run leaves it out.
      expect(readdirSync(snap).sort()).toEqual(['snapshot.json', 'uploads']);
      expect(backupLayers.snapshot!.runsByDefault(ctx())).toBe(false);
      return;
    }
    expect(readdirSync(snap).sort()).toEqual(['control', 'snapshot.json', 'tenants', 'uploads']);
    const live = await t.rt.ctx.tenants.get('alpha');
    const liveStats = await live!.db.exclusive((c) => readTableStats(c.kysely as Kysely<unknown>));
    const copy = await openDatabase<unknown>({ kind: 'embedded', dir: path.join(snap, 'tenants', 'alpha') });
    try {
      expect(await copy.exclusive((c) => readTableStats(c.kysely as Kysely<unknown>))).toEqual(liveStats);
    } finally {
      await copy.close();
    }
  });

  it('a second run while one holds the lock is refused; the first completes', async () => {
    nextDay();
    const first = runBackups(ctx({ tenantSlug: 'alpha' }), { layer: 'dump' });
    const second = runBackups(ctx({ tenantSlug: 'alpha' }), { layer: 'dump' });
    await expect(second).rejects.toThrow(BackupBusyError);
    await expect(second).rejects.toThrow(/Another backup run \(pid \d+\) is in progress/);
    expect((await first).every((o) => o.status === 'ok')).toBe(true);
    // Keep last=2: three good runs of alpha so far, so only two folders stay.
    expect(readdirSync(ctx().layout.tenantDumps('alpha')).length).toBe(2);
  });
});

async function databaseExists(url: string, name: string): Promise<boolean> {
  const pg = (await import('pg')).default;
  const u = new URL(url);
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}
