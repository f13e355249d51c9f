import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { backupCommands } from '../../apps/backup-commands.js';
import { backupContext } from '../../apps/backup-context.js';
import { tenantEncryptedColumns } from '../../apps/jobs.js';
import { createContact } from '../../features/people/people.service.js';
import { multipartBody, showDogPublicly } from '../../features/photos/photos.testing.js';
import { systemClock } from '../../platform/clock/clock.js';
import { KeyRing, parseKeyList } from '../../platform/crypto/keyring.js';
import { secretValues } from '../../platform/crypto/secrets.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { resticSettingsFrom } from '../backup/archive.config.js';
import { backupLayers } from '../backup/layers.js';
import { resticForget, resticRestore, resticSnapshots, type ResticSettings } from '../backup/restic.js';
import { runBackups } from '../backup/run.js';
import { listBackupRuns } from '../backup/runs.js';
import { verifyBackups } from '../backup/verify.js';
import { recordDrill } from './report.js';
import { drillRestic } from './restic.js';
import { restoreDumpProved } from './restic.dump.js';

// Real databases, real restic, pg_restore or PGlite, and a real `kona serve` for the smoke test, on two busy cores.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());

describe.each(engines)('restic copy and drill on %s', (engine) => {
  let dir: string;
  let t: TestApp;
  let settings: ResticSettings;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const canary = `canary-${randomBytes(6).toString('hex')}@example.org`;
  const dogName = `Biscuit-${randomBytes(4).toString('hex')}`;
  const ctx = () => backupContext(t.rt.ctx);
  const workDir = () => path.join(dir, 'backups', 'restore-work');
  const deps = () => ({ ctx: ctx(), keyRing: t.rt.ctx.secrets.keyRing, keyValues: secretValues(t.rt.ctx.config), encryptedColumns: tenantEncryptedColumns });

  async function dogWithPhoto() {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name: dogName, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await showDogPublicly(db, id);
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${id}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: 90, height: 60 }) }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-restic-'));
    writeFileSync(path.join(dir, 'restic-password'), `${randomBytes(18).toString('base64')}\n`, { mode: 0o600 });
    t = await createTestApp(engine, { KONA_BACKUP_DIR: path.join(dir, 'backups'), KONA_RESTIC_REPOSITORY: path.join(dir, 'restic-repo'), KONA_RESTIC_PASSWORD_FILE: path.join(dir, 'restic-password') });
    settings = resticSettingsFrom(t.rt.ctx.config);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'admin'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    await dogWithPhoto();
    await createContact({ db, keyRing: t.rt.ctx.secrets.keyRing }, { name: 'Pat Canary', email: canary, phone: '', address: '', organisation: '', notes: '', roles: ['adopter'] }, { type: 'system' });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs last in a default backup run, copies dumps and uploads, keeps the retention, and verifies with restic check', async () => {
    expect(Object.keys(backupLayers).at(-1)).toBe('restic');
    expect(backupLayers.restic!.runsByDefault(ctx())).toBe(true);
    const first = await runBackups(ctx());
    expect(first.map((o) => [o.layer, o.status]).at(-1)).toEqual(['restic', 'ok']);
    expect(first.every((o) => o.status === 'ok')).toBe(true);
    const [second] = await runBackups(ctx(), { layer: 'restic' });
    expect(second).toMatchObject({ layer: 'restic', status: 'ok', location: expect.stringMatching(/^restic:[0-9a-f]{8}$/) });
    expect(second!.bytes).toBeLessThan(first.at(-1)!.bytes!); // unchanged files are deduplicated
    await resticForget({ ...settings, keep: { daily: 1, weekly: 0, monthly: 0 } });
    expect((await resticSnapshots(settings)).map((s) => `restic:${s.id.slice(0, 8)}`)).toEqual([second!.location]);
    expect((await listBackupRuns(t.rt.ctx.control.kysely, { layer: 'restic' }))[0]).toMatchObject({ status: 'ok', location: second!.location });
    expect((await verifyBackups(ctx().layout, { restic: settings })).restic).toEqual({ checked: 1, problems: [] });
    expect((await verifyBackups(ctx().layout)).restic).toBeUndefined();
    // restic encrypts everything: not even the dog's name is readable in the repository.
    const repoBytes = Buffer.concat(filesUnder(settings.repository).map((f) => readFileSync(f)));
    expect(repoBytes.includes(dogName)).toBe(false);
  });

  it('the canary is only ciphertext in the copy, and does not open without the kept keys', async () => {
    const pulled = path.join(dir, 'pulled');
    await resticRestore(settings, 'latest', pulled);
    const dumps = filesUnder(path.join(pulled, ctx().layout.dumps, 'alpha')).filter((f) => !f.endsWith('manifest.json'));
    expect(dumps.length).toBe(1);
    const bytes = readFileSync(dumps[0]!);
    const stored = (await db.selectFrom('contacts').select('email_enc').executeTakeFirstOrThrow()).email_enc!;
    expect(bytes.includes(canary)).toBe(false);
    if (engine === 'embedded') expect(bytes.includes(stored)).toBe(true); // a plain SQL dump: the ciphertext is there as written
    const stranger = new KeyRing(parseKeyList(`t1:${randomBytes(32).toString('base64')}`), randomBytes(32));
    expect(() => stranger.decrypt(stored)).toThrow();
    rmSync(pulled, { recursive: true, force: true });
  });

  it('kona drill restore restic (admin channel) restores the pulled-back dump and proves it like the dump drill', async () => {
    const report = (await backupCommands['drill.restic']!(t.rt, {})) as { verdict: string; checks: { name: string; ok: boolean; detail: string }[]; reportFile: string; tenants: string[] };
    const stamp = readdirSync(ctx().layout.tenantDumps('alpha')).sort().at(-1)!;
    expect(Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : c.detail]))).toEqual({
      'the snapshot holds dumps': 'ok', [`alpha ${stamp}: files match the sha256 manifest`]: 'ok', 'alpha: restore': 'ok', 'alpha: tables': 'ok', 'alpha: sequences': 'ok',
      'alpha: amcheck': 'ok', 'alpha: pii': 'ok', 'alpha: uploads': 'ok', 'alpha: dog page': 'ok', 'alpha: sign-in': 'ok',
    });
    expect(report.checks.find((c) => c.name === 'alpha: uploads')!.detail).toMatch(/^[1-9]\d* files copied/);
    expect(report.verdict).toBe('pass');
    expect(JSON.parse(readFileSync(report.reportFile, 'utf8'))).toMatchObject({ kind: 'restic', verdict: 'pass', tenants: ['alpha'] });
    expect((await listBackupRuns(t.rt.ctx.control.kysely, { layer: 'drill' }))[0]).toMatchObject({ kind: 'restic', status: 'ok' });
    expect(readdirSync(workDir())).toEqual([]);
    expect(existsSync(path.join(ctx().layout.drills, 'restic-alpha'))).toBe(false);
  });

  it('kona drill restore rebuild: the rescue rebuilt from the restic copy and the key backup alone, when the local backups are gone', async () => {
    const keysFile = path.join(dir, 'key-backup.json');
    writeFileSync(keysFile, JSON.stringify(secretValues(t.rt.ctx.config)), { mode: 0o600 });
    const { layout } = ctx();
    // The local backup directory is lost: only the restic copy (and the key backup) remain.
    for (const d of [layout.dumps, layout.controlDumps, layout.uploadManifests]) renameSync(d, `${d}.away`);
    type Report = { verdict: string; checks: { name: string; ok: boolean; detail: string }[]; dumpFrom: string; registryFrom: string };
    try {
      const report = (await backupCommands['drill.rebuild']!(t.rt, { tenant: 'alpha', keys: keysFile })) as Report;
      expect(Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : c.detail]))).toEqual({
        database: 'ok', registry: 'ok', tables: 'ok', sequences: 'ok', amcheck: 'ok', pii: 'ok', uploads: 'ok', 'dog page': 'ok', 'sign-in': 'ok',
      });
      expect(report).toMatchObject({ verdict: 'pass', dumpFrom: 'restic', registryFrom: 'restic' });
      expect(report.checks.find((c) => c.name === 'registry')!.detail).toContain('"Rescue alpha" (active');
    } finally {
      for (const d of [layout.dumps, layout.controlDumps, layout.uploadManifests]) renameSync(`${d}.away`, d);
    }
    // With the local dumps back, the newest local one is used; keys other than the kept ones do not open the PII.
    const stranger = path.join(dir, 'stranger-keys.json');
    writeFileSync(stranger, JSON.stringify({ ...secretValues(t.rt.ctx.config), KONA_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` }));
    const wrongKeys = (await backupCommands['drill.rebuild']!(t.rt, { tenant: 'alpha', keys: stranger, smoke: false })) as Report;
    expect(wrongKeys).toMatchObject({ verdict: 'fail', dumpFrom: 'local' });
    expect(wrongKeys.checks.find((c) => c.name === 'pii')).toMatchObject({ ok: false, detail: expect.stringContaining('do not decrypt with the kept keys') });
    await expect(backupCommands['drill.rebuild']!(t.rt, { tenant: 'alpha', keys: path.join(dir, 'no-such-file') })).rejects.toMatchObject({ code: 'KONA_ERR_REBUILD_KEYS' });
    await expect(backupCommands['drill.rebuild']!(t.rt, { tenant: 'nobody', keys: keysFile })).rejects.toMatchObject({ code: 'KONA_ERR_REBUILD_NO_DUMP' });
    expect(readdirSync(workDir())).toEqual([]);
    expect(readdirSync(layout.drills).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });

  it('says the password is wrong, and never restores or creates a second repository', async () => {
    const wrong = path.join(dir, 'wrong-password');
    writeFileSync(wrong, 'not-the-password\n');
    const bad = { ...settings, passwordFile: wrong };
    const verified = await verifyBackups(ctx().layout, { restic: bad });
    expect(verified.restic!.problems).toEqual([expect.stringMatching(/the password in .*wrong-password \(KONA_RESTIC_PASSWORD_FILE\) does not open the repository/)]);
    expect(verified.restic!.problems[0]).not.toContain('not-the-password');
    await expect(recordDrill({ control: t.rt.ctx.control.kysely, layout: ctx().layout, clock: systemClock }, 'restic', () => drillRestic({
      restic: bad, backupDir: ctx().layout.root, uploadsDir: t.rt.ctx.config.uploadsDir, workDir: workDir(), restoreDump: restoreDumpProved({ ...deps(), smoke: false }),
    }))).rejects.toMatchObject({ code: 'KONA_ERR_RESTIC_UNREADABLE' });
  });

  it('refuses a truncated pack before restoring anything', async () => {
    const packs = filesUnder(path.join(settings.repository, 'data')).sort((a, b) => statSync(b).size - statSync(a).size);
    truncateSync(packs[0]!, Math.floor(statSync(packs[0]!).size / 2));
    const error = await drillRestic({
      restic: settings, backupDir: ctx().layout.root, uploadsDir: t.rt.ctx.config.uploadsDir, workDir: workDir(), restoreDump: restoreDumpProved({ ...deps(), smoke: false }),
    }).then(() => null, (err: Error & { code?: string }) => err);
    expect(error).toMatchObject({ code: 'KONA_ERR_RESTIC_UNREADABLE' });
    expect(error!.message).toMatch(/repository at .* is damaged \(pack [0-9a-f]{12}…: unexpected file size/);
    expect((await verifyBackups(ctx().layout, { restic: settings })).restic!.problems).toEqual([expect.stringContaining('is damaged')]);
    expect(readdirSync(workDir())).toEqual([]);
  });
});
