import { describe, expect, it } from 'vitest';
import { archiveCommand, pgBackRestConfig, pgTimestamp, type PgBackRestSettings } from './pgbackrest.js';
import { parseStanzaInfo, repo2Lag, walSegmentPosition } from './pgbackrest.info.js';

const settings: PgBackRestSettings = {
  stanza: 'kona', configFile: '/srv/kona/backups/pgbackrest/pgbackrest.conf', pgPath: '/var/lib/postgresql/15/main', pgPort: 5432,
  pgSocketPath: '/var/run/postgresql', pgUser: 'postgres', repo1Path: '/srv/kona/backups/pgbackrest/repo1', repo2Path: '/mnt/offbox/pgbackrest',
  retentionFull: 2, retentionDiff: 7, workDir: '/srv/kona/backups/pgbackrest/work',
};

describe('pgBackRest configuration', () => {
  it('writes both repositories with their retention and the stanza', () => {
    const conf = pgBackRestConfig(settings);
    expect(conf).toContain('repo1-path=/srv/kona/backups/pgbackrest/repo1\nrepo1-retention-full=2\nrepo1-retention-diff=7');
    expect(conf).toContain('repo2-path=/mnt/offbox/pgbackrest\nrepo2-retention-full=2\nrepo2-retention-diff=7');
    expect(conf).toContain('[kona]\npg1-path=/var/lib/postgresql/15/main\npg1-port=5432');
    expect(pgBackRestConfig({ ...settings, repo2Path: undefined })).not.toContain('repo2');
  });

  it('refuses a value that would add a line, and a stanza name that is not a word', () => {
    expect(() => pgBackRestConfig({ ...settings, repo2Path: '/mnt/x\nrepo3-path=/tmp' })).toThrow(/must be one line/);
    expect(() => pgBackRestConfig({ ...settings, stanza: 'kona]\n[x' })).toThrow(/letters, digits/);
  });

  it('gives an archive_command the shell reads as one argument per setting', () => {
    expect(archiveCommand(settings)).toBe('pgbackrest --config=/srv/kona/backups/pgbackrest/pgbackrest.conf --stanza=kona archive-push %p');
    expect(archiveCommand({ ...settings, configFile: "/srv/it's here/pgbackrest.conf" })).toBe(`pgbackrest '--config=/srv/it'\\''s here/pgbackrest.conf' --stanza=kona archive-push %p`);
  });

  it('writes a target time both PostgreSQL and pgBackRest read, in UTC', () => {
    expect(pgTimestamp(new Date('2026-12-07T16:05:01.234Z'))).toBe('2026-12-07 16:05:01.234+00');
  });
});

describe('pgBackRest info', () => {
  it('orders WAL segments by position, and measures repo2 against repo1', () => {
    expect(walSegmentPosition('000000010000000100000003')).toBe(259);
    expect(walSegmentPosition('000000020000000000000010')).toBe(16);
    expect(walSegmentPosition('not-a-segment')).toBeNull();
    const info = parseStanzaInfo(JSON.stringify([{
      name: 'kona', status: { code: 0, message: 'ok' },
      repo: [{ key: 1, status: { code: 0, message: 'ok' } }, { key: 2, status: { code: 0, message: 'ok' } }],
      archive: [{ database: { 'repo-key': 1 }, min: null, max: '000000010000000000000020' }, { database: { 'repo-key': 2 }, min: null, max: '000000010000000000000008' }],
      backup: [
        { label: 'a', type: 'full', database: { 'repo-key': 1 }, timestamp: { start: 100, stop: 200 }, info: { size: 10, repository: { size: 5 } } },
        { label: 'b', type: 'full', database: { 'repo-key': 2 }, timestamp: { start: 100, stop: 210 }, info: { size: 10, repository: { size: 5 } } },
        { label: 'c', type: 'incr', database: { 'repo-key': 1 }, timestamp: { start: 5000, stop: 5100 }, info: { size: 10, repository: { size: 1 } } },
        { label: 'broken', type: 'incr', error: true, database: { 'repo-key': 1 }, timestamp: { start: 9000, stop: 9100 }, info: { size: 10, repository: { size: 1 } } },
      ],
    }]), 'kona');
    expect(info.oldestRestorable?.getTime()).toBe(200_000);
    expect(info.repos[0]?.newestBackupAt?.getTime()).toBe(5_100_000); // the backup with an error does not count
    expect(repo2Lag(info)).toEqual({ backupSeconds: 4890, archiveSegments: 24 });
    expect(parseStanzaInfo('[]', 'kona')).toMatchObject({ ok: false, message: 'stanza not found', oldestRestorable: null });
  });
});
