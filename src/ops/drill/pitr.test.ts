import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock/clock.js';
import { KeyRing } from '../../platform/crypto/keyring.js';
import { openEmbedded, type Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { readArchiverStats } from '../backup/archiver.js';
import { backupLayout } from '../backup/layout.js';
import { backupMetricsRegistry } from '../backup/metrics.js';
import { runBaseLayer } from '../backup/archive.layers.js';
import { checkArchive } from '../backup/pgbackrest.js';
import { repo2Lag, stanzaInfo } from '../backup/pgbackrest.info.js';
import { startArchivedServer, type ArchivedServer } from '../backup/pgbackrest.testing.js';
import { listBackupRuns } from '../backup/runs.js';
import { drillPitr } from './pitr.js';
import { isoMicros, writeMark, type PitrMark } from './pitr.marks.js';
import { recordDrill } from './report.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile());
}

describe('PITR drill on a real server archived by pgBackRest', () => {
  let archived: ArchivedServer;
  let control: Database<ControlSchema>;
  let client: pg.Client;
  const keyRing = new KeyRing([{ id: 'k1', key: randomBytes(32) }], randomBytes(32));
  const canary = `canary-${randomBytes(6).toString('hex')}@example.org`;
  const plainMarker = `plain-${randomBytes(6).toString('hex')}`;
  let ciphertext: string;
  const marks: PitrMark[] = [];
  let target: Date;
  let justBefore: PitrMark & { committedBy: Date };
  const workDir = () => path.join(archived.dir, 'drill-work');

  beforeAll(async () => {
    archived = await startArchivedServer();
    control = await openEmbedded<ControlSchema>(null);
    await migrateSet(control, 'control');
    client = new pg.Client({ connectionString: archived.server.url });
    await client.connect();
    await client.query('create table people (id serial primary key, email_enc text not null)');
    await client.query('create table notes (body text not null)');
    ciphertext = keyRing.encrypt(canary);
    await client.query('insert into people (email_enc) values ($1)', [ciphertext]);
    // Written in clear on purpose: proves the archive search below would find a plaintext value.
    await client.query('insert into notes values ($1)', [plainMarker]);
    marks.push(await writeMark(client));
    await runBaseLayer({ control: control.kysely, clock: systemClock }, archived.settings, { type: 'full', serverUrl: archived.server.url });
    marks.push(await writeMark(client), await writeMark(client));
    // The target: the server's clock after the last mark's commit returned (recovery goes by commit times).
    // JavaScript dates hold milliseconds: round up, so the truncated target is not before that commit.
    justBefore = await writeMark(client);
    target = new Date(justBefore.committedBy.getTime() + 1);
    // The next marks must be stamped after the target: wait for the server's clock to pass it (at most a millisecond).
    while ((await client.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now <= target);
    marks.push(await writeMark(client), await writeMark(client));
    await checkArchive(archived.settings); // switches WAL and waits until both repositories hold it
  });

  afterAll(async () => {
    await client?.end();
    await control?.close();
    await archived?.stop();
  });

  it('restores to the target: earlier rows present, later rows absent, a new timeline, amcheck clean, the canary decrypts', async () => {
    const layout = backupLayout(path.join(archived.dir, 'backups'));
    const { report, file } = await recordDrill({ control: control.kysely, layout, clock: systemClock }, 'pitr', () => drillPitr({
      pgbackrest: archived.settings, target, sourceUrl: archived.server.url, workDir: workDir(),
      extraChecks: async (server) => {
        const c = await server.connect();
        try {
          const stored = (await c.query<{ email_enc: string }>('select email_enc from people')).rows[0]!.email_enc;
          return [{ name: 'PII canary decrypts with the kept keys', ok: keyRing.decrypt(stored) === canary, detail: 'decrypted' }];
        } finally {
          await c.end();
        }
      },
    }));
    expect(report.error).toBeUndefined();
    expect(report.verdict).toBe('pass');
    expect(report.checks.map((c) => c.name)).toEqual([
      'rows up to the target are present', 'rows after the target are absent', 'a new timeline began', 'pg_amcheck passes', 'PII canary decrypts with the kept keys',
    ]);
    // The mark committed just before the target is the last one present (it committed before the
    // target was read); precision is the target less its stamp, to the microsecond.
    expect(report.lastMarkId).toBe(justBefore.id);
    expect(report.lastMarkPresent).toBe(isoMicros(justBefore.us));
    expect(report.precisionMs).toBe((target.getTime() * 1000 - justBefore.us) / 1000);
    expect(report.precisionMs).toBeGreaterThan(0);
    expect(report.timeline).toBe(2);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kind: 'pitr', verdict: 'pass' });
    const runs = await listBackupRuns(control.kysely, { layer: 'drill' });
    expect(runs[0]).toMatchObject({ kind: 'pitr', status: 'ok' });
    expect(readdirSync(workDir())).toEqual([]);
  });

  it('keeps the canary as ciphertext in the WAL archive of both repositories, and reports the archive in the metrics', async () => {
    const info = await stanzaInfo(archived.settings);
    expect(info.repos.map((r) => r.backups.length)).toEqual([1, 1]);
    const base = await listBackupRuns(control.kysely, { layer: 'base' });
    expect(base).toMatchObject([{ kind: 'full', status: 'ok', location: `pgbackrest/kona/${info.repos[0]!.backups[0]!.label}` }]);
    expect(base[0]!.bytes).toBeGreaterThan(0);
    expect(repo2Lag(info)).toEqual({ backupSeconds: expect.any(Number), archiveSegments: 0 });
    const text = await backupMetricsRegistry({ archiver: () => readArchiverStats(archived.server.url), stanza: () => stanzaInfo(archived.settings) }).metrics();
    expect(text).toContain('kona_backup_pgbackrest_repo2_lag_segments{stanza="kona"} 0');
    expect(text).toContain('kona_backup_pgbackrest_repo_ok{stanza="kona",repo="1"} 1');
    expect(text).toMatch(/kona_backup_wal_archived_count [1-9]/);
    expect(text).toContain('kona_backup_wal_archive_failed_count 0');
    expect(text).toContain('kona_backup_source_up{source="archiver"} 1');
    for (const repo of [archived.settings.repo1Path, archived.settings.repo2Path!]) {
      const wal = filesUnder(path.join(repo, 'archive')).filter((f) => /[0-9A-F]{24}-[0-9a-f]{40}\.gz$/.test(f));
      expect(wal.length).toBeGreaterThan(0);
      const text = Buffer.concat(wal.map((f) => gunzipSync(readFileSync(f))));
      expect(text.includes(plainMarker)).toBe(true);
      expect(text.includes(ciphertext)).toBe(true);
      expect(text.includes(canary)).toBe(false);
    }
  });

  it('refuses a target older than the oldest base backup, clearly, and records the failure', async () => {
    const layout = backupLayout(path.join(archived.dir, 'backups'));
    const tooOld = new Date(marks[0]!.at.getTime() - 60_000);
    await expect(recordDrill({ control: control.kysely, layout, clock: systemClock }, 'pitr', () => drillPitr({
      pgbackrest: archived.settings, target: tooOld, sourceUrl: archived.server.url, workDir: workDir(),
    }))).rejects.toMatchObject({ code: 'KONA_ERR_PITR_TARGET_TOO_OLD', message: expect.stringMatching(/older than the oldest base backup/) });
    const runs = await listBackupRuns(control.kysely, { layer: 'drill' });
    expect(runs[0]).toMatchObject({ kind: 'pitr', status: 'failed', error: expect.stringMatching(/older than the oldest base backup/) });
  });

  it('fails clearly on a WAL segment missing from the range and leaves nothing half-restored', async () => {
    await writeMark(client);
    const segment = (await client.query('select pg_walfile_name(pg_current_wal_lsn()) as f')).rows[0].f as string;
    await client.query('select pg_switch_wal()');
    const late = await writeMark(client);
    await writeMark(client);
    await checkArchive(archived.settings);
    for (const repo of [archived.settings.repo1Path, archived.settings.repo2Path!]) {
      const lost = filesUnder(path.join(repo, 'archive')).filter((f) => path.basename(f).startsWith(segment));
      expect(lost).toHaveLength(1);
      rmSync(lost[0]!);
    }
    const error = await drillPitr({ pgbackrest: archived.settings, target: new Date(late.committedBy.getTime() + 1), sourceUrl: archived.server.url, workDir: workDir() })
      .then(() => null, (err: Error & { code?: string }) => err);
    expect(error).toMatchObject({ code: 'KONA_ERR_PITR_RECOVERY_FAILED' });
    expect(error!.message).toContain(`WAL segment ${segment} is missing from the archive`);
    expect(readdirSync(workDir())).toEqual([]);
    expect(existsSync(archived.settings.pgPath)).toBe(true);
  });
});
