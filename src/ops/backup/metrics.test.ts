import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { backupMetricsRegistry, type ArchiverStats } from './metrics.js';
import { parseStanzaInfo } from './pgbackrest.info.js';
import type { BackupRun } from './runs.js';

const rulesDir = fileURLToPath(new URL('../../../deploy/prometheus/', import.meta.url));

const run = (over: Partial<BackupRun>): BackupRun => ({
  id: '1', layer: 'dump', kind: null, tenantSlug: 'hope', startedAt: new Date(0), finishedAt: new Date(1_796_000_000_000), status: 'ok',
  bytes: 2048, location: null, error: null, details: {}, ...over,
});

// pgbackrest info --output=json as 2.45 prints it (trimmed): repo2 holds no backup and misses archive.
const info = JSON.stringify([{
  name: 'kona', status: { code: 4, message: 'different across repos' },
  repo: [{ key: 1, status: { code: 0, message: 'ok' } }, { key: 2, status: { code: 2, message: 'no valid backups' } }],
  archive: [
    { database: { id: 1, 'repo-key': 1 }, id: '15-1', min: '000000010000000000000001', max: '000000010000000100000003' },
    { database: { id: 1, 'repo-key': 2 }, id: '15-1', min: '000000010000000000000001', max: '000000010000000000000010' },
  ],
  backup: [{
    label: '20261207-160138F', type: 'full', error: false, database: { id: 1, 'repo-key': 1 }, timestamp: { start: 1796659298, stop: 1796659304 },
    info: { size: 22992374, delta: 22992374, repository: { size: 3043375, delta: 3043375 } },
  }],
}]);

describe('backup metrics', () => {
  it('reports each source, reads them once per cache period, and marks a failing source down', async () => {
    const clock = new ManualClock(1_796_700_000_000);
    let reads = 0;
    const archiver: ArchiverStats = { archivedCount: 12, failedCount: 1, lastArchivedWal: '000000010000000000000003', lastArchivedAt: new Date(1_796_699_000_000), lastFailedAt: null, walPositionBytes: 50_331_648 };
    const registry = backupMetricsRegistry({
      lastGoodRuns: async () => {
        reads++;
        return [run({}), run({ layer: 'base', kind: 'full', tenantSlug: null, bytes: null }), run({ layer: 'drill', kind: 'pitr', tenantSlug: null })];
      },
      archiver: async () => archiver,
      stanza: async () => parseStanzaInfo(info, 'kona'),
      resticSnapshots: async () => { throw new Error('wrong password'); },
    }, { clock, cacheMs: 60_000, tenantLabel: (s) => s.toUpperCase() });
    const text = await registry.metrics();
    expect(text).toContain('kona_backup_last_success_timestamp_seconds{layer="dump",kind="",tenant="HOPE"} 1796000000');
    expect(text).toContain('kona_backup_last_success_bytes{layer="dump",kind="",tenant="HOPE"} 2048');
    expect(text).toContain('kona_backup_last_success_timestamp_seconds{layer="drill",kind="pitr",tenant=""} 1796000000');
    expect(text).toContain('kona_backup_wal_archived_count 12');
    expect(text).toContain('kona_backup_wal_last_archived_timestamp_seconds 1796699000');
    expect(text).toContain('kona_backup_wal_position_bytes 50331648');
    expect(text).toContain('kona_backup_pgbackrest_last_backup_timestamp_seconds{stanza="kona",repo="1"} 1796659304');
    expect(text).toContain('kona_backup_pgbackrest_last_backup_timestamp_seconds{stanza="kona",repo="2"} 0');
    expect(text).toContain('kona_backup_pgbackrest_repo_ok{stanza="kona",repo="2"} 0');
    expect(text).toContain('kona_backup_pgbackrest_repo2_lag_segments{stanza="kona"} 243'); // 1/03 against 0/10
    expect(text).toContain('kona_backup_source_up{source="restic"} 0');
    expect(text).toContain('kona_backup_source_up{source="runs"} 1');
    await registry.metrics();
    expect(reads).toBe(1);
    clock.advance(15_000);
    await registry.metrics();
    expect(reads).toBe(2);
  });

  it('says at once that the last run of a layer failed, and when the last failure was', async () => {
    const registry = backupMetricsRegistry({
      runOutcomes: async () => ({
        latest: [run({ status: 'failed', finishedAt: new Date(1_796_100_000_000), error: 'the backup disk is full' }), run({ tenantSlug: 'paws' }), run({ layer: 'restic', kind: 'copy', tenantSlug: null })],
        lastFailed: [run({ status: 'failed', finishedAt: new Date(1_796_100_000_000) }), run({ tenantSlug: 'paws', status: 'failed', finishedAt: new Date(1_795_000_000_000) })],
      }),
    });
    const text = await registry.metrics();
    expect(text).toContain('kona_backup_last_run_failed{layer="dump",kind="",tenant="hope"} 1');
    expect(text).toContain('kona_backup_last_run_failed{layer="dump",kind="",tenant="paws"} 0');
    expect(text).toContain('kona_backup_last_run_failed{layer="restic",kind="copy",tenant=""} 0');
    expect(text).toContain('kona_backup_last_failure_timestamp_seconds{layer="dump",kind="",tenant="hope"} 1796100000');
    expect(text).toContain('kona_backup_last_failure_timestamp_seconds{layer="dump",kind="",tenant="paws"} 1795000000');
    expect(text).toContain('kona_backup_source_up{source="outcomes"} 1');
  });

  it('exports no restic figures where the off-site copy is not configured (an unset gauge reads 0: "a snapshot from 1970")', async () => {
    const text = await backupMetricsRegistry({}).metrics();
    expect(text).not.toContain('kona_backup_restic_');
    const configured = await backupMetricsRegistry({ resticSnapshots: async () => [] }).metrics();
    expect(configured).toContain('kona_backup_restic_snapshots 0');
  });

  it('every metric the alert rules use is one Kona exports', async () => {
    // Every source configured: the figures of an unconfigured one are left out on purpose.
    const registry = backupMetricsRegistry({ resticSnapshots: async () => [] });
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = parse(readFileSync(`${rulesDir}backup-rules.yaml`, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    const used = new Set(rules.groups.flatMap((g) => g.rules.flatMap((r) => r.expr.match(/kona_backup_[a-z0-9_]+/g) ?? [])));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(exported, name).toContain(name);
  });

  it('the shipped alert rules pass promtool check and their unit tests (stale, a failed run, not receiving, failing, repo2 behind)', () => {
    const promtool = process.env.KONA_PROMTOOL_BIN ?? '/usr/bin/promtool';
    expect(execFileSync(promtool, ['check', 'rules', 'backup-rules.yaml'], { cwd: rulesDir, encoding: 'utf8' })).toContain('SUCCESS: 10 rules found');
    expect(execFileSync(promtool, ['test', 'rules', 'backup-rules.test.yaml'], { cwd: rulesDir, encoding: 'utf8' })).toContain('SUCCESS');
  });
});
