import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerDatabase } from '../../../test/harness/databases.js';
import { inject } from 'vitest';
import { systemClock } from '../../platform/clock/clock.js';
import { KeyRing } from '../../platform/crypto/keyring.js';
import { openEmbedded, type Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { backupLayout } from '../backup/layout.js';
import { ensureResticRepository, resticBackup, resticCheck, resticForget, resticSnapshots, type ResticSettings } from '../backup/restic.js';
import { runResticLayer, verifyResticCopy } from '../backup/archive.layers.js';
import { runToolOk } from '../backup/tool.js';
import { listBackupRuns } from '../backup/runs.js';
import { postgresBinDir } from './pg-server.js';
import { recordDrill } from './report.js';
import { drillRestic } from './restic.js';
import { restoreDumpWithPgRestore } from './restic.dump.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());

describe('restic copy and drill', () => {
  let dir: string;
  let settings: ResticSettings;
  let control: Database<ControlSchema>;
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }], randomBytes(32));
  const canary = `canary-${randomBytes(6).toString('hex')}@example.org`;
  const plainMarker = `plain-${randomBytes(6).toString('hex')}`;
  let ciphertext: string;
  const layout = () => backupLayout(path.join(dir, 'backups'));
  const workDir = () => path.join(dir, 'drill-work');
  const deps = () => ({ control: control.kysely, layout: layout(), clock: systemClock });
  const restoreDump = () => restoreDumpWithPgRestore(inject('pgUrl'), async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const stored = (await client.query<{ email_enc: string }>('select email_enc from people')).rows[0]!.email_enc;
    await client.end();
    // Without the kept keys (a ring of other keys) the same value does not open.
    const stranger = new KeyRing([{ id: 'k1', key: randomBytes(32) }], randomBytes(32));
    const locked = (() => {
      try {
        stranger.decrypt(stored);
        return false;
      } catch {
        return true;
      }
    })();
    return [{ name: 'PII canary decrypts with the kept keys, and not without them', ok: keyRing.decrypt(stored) === canary && locked, detail: 'decrypted' }];
  });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kona-restic-'));
    control = await openEmbedded<ControlSchema>(null);
    await migrateSet(control, 'control');
    // A tenant database with the canary, dumped uncompressed (-Z0) so the bytes can be searched.
    const source = await createServerDatabase();
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    ciphertext = keyRing.encrypt(canary);
    await client.query('create table people (id serial primary key, email_enc text not null); create table notes (body text not null)');
    await client.query('insert into people (email_enc) values ($1)', [ciphertext]);
    await client.query('insert into notes values ($1)', [plainMarker]);
    await client.end();
    const dumpDir = layout().tenantDump('hope', '20261207T020000Z');
    mkdirSync(dumpDir, { recursive: true });
    await runToolOk(path.join(postgresBinDir(), 'pg_dump'), ['-Fc', '-Z0', '-f', path.join(dumpDir, 'hope.dump'), source.url], {}, (r) => r.stderr);
    await source.drop();
    const dumpFile = path.join(dumpDir, 'hope.dump');
    writeFileSync(path.join(dumpDir, 'manifest.json'), JSON.stringify({ files: [{ path: 'hope.dump', size: statSync(dumpFile).size, sha256: sha256(dumpFile) }] }));
    mkdirSync(layout().uploadManifests, { recursive: true });
    writeFileSync(path.join(layout().uploadManifests, '20261207T020000Z.json'), JSON.stringify({ files: [] }));
    // An upload (a photo's bytes): the largest pack in the repository is this data, not a tree.
    mkdirSync(path.join(dir, 'uploads'), { recursive: true });
    writeFileSync(path.join(dir, 'uploads', 'photo.jpg'), randomBytes(1_500_000));
    writeFileSync(path.join(dir, 'restic-password'), `${randomBytes(18).toString('base64')}\n`, { mode: 0o600 });
    settings = { repository: path.join(dir, 'restic-repo'), passwordFile: path.join(dir, 'restic-password'), cacheDir: path.join(dir, 'restic-cache'), keep: { daily: 7, weekly: 4, monthly: 6 } };
  });

  afterAll(async () => {
    await control?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes dumps and uploads, keeps the retention, and checks clean', async () => {
    expect(await ensureResticRepository(settings)).toBe('created');
    expect(await ensureResticRepository(settings)).toBe('opened');
    const first = await resticBackup(settings, [layout().dumps, layout().uploadManifests, path.join(dir, 'uploads')], ['kona']);
    expect(first.files).toBe(4);
    const second = await resticBackup(settings, [layout().dumps, layout().uploadManifests, path.join(dir, 'uploads')], ['kona']);
    expect(second.bytesAdded).toBeLessThan(first.bytesAdded); // unchanged files are deduplicated
    await resticForget({ ...settings, keep: { daily: 1, weekly: 0, monthly: 0 } });
    const left = await resticSnapshots(settings);
    expect(left.map((s) => s.id.slice(0, 8))).toEqual([second.snapshotId]);
    await resticCheck(settings);
    const layer = await runResticLayer({ control: control.kysely, clock: systemClock }, settings, { layout: layout(), uploadsDir: path.join(dir, 'uploads') });
    expect(layer.location).toMatch(/^restic:[0-9a-f]{8}$/);
    expect((await listBackupRuns(control.kysely, { layer: 'restic' }))[0]).toMatchObject({ status: 'ok', location: layer.location });
    expect(await verifyResticCopy(settings)).toEqual({ ok: true, message: expect.stringContaining('no errors') });
    const repoBytes = Buffer.concat(filesUnder(settings.repository).map((f) => readFileSync(f)));
    expect(repoBytes.includes(plainMarker)).toBe(false); // restic encrypts everything
  });

  it('restores the snapshot, checks the manifest, finds only ciphertext, restores the dump and decrypts the canary', async () => {
    const { report, file } = await recordDrill(deps(), 'restic', () => drillRestic({
      restic: settings, backupDir: layout().root, workDir: workDir(), restoreDump: restoreDump(),
      inspect: async (restored) => {
        const bytes = readFileSync(path.join(restored, 'dumps', 'hope', '20261207T020000Z', 'hope.dump'));
        // The clear marker proves the search can see table contents; the canary is there only as ciphertext.
        const ok = bytes.includes(plainMarker) && bytes.includes(ciphertext) && !bytes.includes(canary);
        return [{ name: 'PII canary is ciphertext in the restored dump', ok, detail: ok ? 'ciphertext only' : 'plaintext found or dump unreadable' }];
      },
    }));
    expect(report.error).toBeUndefined();
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['PII canary is ciphertext in the restored dump', true],
      ['the snapshot holds dumps', true],
      ['hope 20261207T020000Z: files match the sha256 manifest', true],
      ['hope: the dump restores into an empty database', true],
      ['PII canary decrypts with the kept keys, and not without them', true],
    ]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kind: 'restic', verdict: 'pass', tenants: ['hope'] });
    expect((await listBackupRuns(control.kysely, { layer: 'drill' }))[0]).toMatchObject({ kind: 'restic', status: 'ok' });
    expect(readdirSync(workDir())).toEqual([]);
  });

  it('says the password is wrong, and never creates a second repository', async () => {
    const wrong = path.join(dir, 'wrong-password');
    writeFileSync(wrong, 'not-the-password\n');
    const error = await ensureResticRepository({ ...settings, passwordFile: wrong }).then(() => null, (err: Error) => err);
    expect(error?.message).toMatch(/the password in .*wrong-password \(KONA_RESTIC_PASSWORD_FILE\) does not open the repository/);
    expect(error?.message).not.toContain('not-the-password');
    await expect(recordDrill(deps(), 'restic', () => drillRestic({ restic: { ...settings, passwordFile: wrong }, backupDir: layout().root, workDir: workDir(), restoreDump: restoreDump() })))
      .rejects.toMatchObject({ code: 'KONA_ERR_RESTIC_UNREADABLE' });
  });

  it('refuses a truncated pack before restoring anything', async () => {
    const packs = filesUnder(path.join(settings.repository, 'data')).sort((a, b) => statSync(b).size - statSync(a).size);
    truncateSync(packs[0]!, Math.floor(statSync(packs[0]!).size / 2)); // the largest pack holds the photo's data
    const error = await drillRestic({ restic: settings, backupDir: layout().root, workDir: workDir(), restoreDump: restoreDump() }).then(() => null, (err: Error & { code?: string }) => err);
    expect(error).toMatchObject({ code: 'KONA_ERR_RESTIC_UNREADABLE' });
    expect(error!.message).toMatch(/repository at .* is damaged \(pack [0-9a-f]{12}…: unexpected file size/);
    expect(await verifyResticCopy(settings)).toEqual({ ok: false, message: expect.stringContaining('is damaged') });
    expect(readdirSync(workDir())).toEqual([]);
    const runs = await listBackupRuns(control.kysely, { layer: 'drill' });
    expect(runs.filter((r) => r.status === 'failed')).toHaveLength(1);
  });
});
