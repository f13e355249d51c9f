import { describe, expect, it } from 'vitest';
import { connectionEnv, postgresBinDir, redactUrl } from './pg-tools.js';
import { compareTableStats } from './table-stats.js';
import { snapshotMethod } from './snapshot.js';

describe('PostgreSQL tools', () => {
  it('puts the connection, password included, only in PG* variables', () => {
    expect(connectionEnv('postgres://kona%40x:s%3Acret@db.example:6543/kona_alpha?sslmode=require')).toEqual({
      PGHOST: 'db.example', PGPORT: '6543', PGUSER: 'kona@x', PGPASSWORD: 's:cret', PGDATABASE: 'kona_alpha', PGSSLMODE: 'require',
    });
    expect(redactUrl('postgres://kona:secret@db.example/kona')).toBe('postgres://kona:***@db.example/kona');
  });

  it('finds the installed tools (pg_config --bindir or /usr/lib/postgresql/*/bin)', () => {
    expect(postgresBinDir()).toMatch(/bin$/);
  });
});

describe('comparing restored figures with the manifest', () => {
  const recorded = { tables: { 'public.dogs': { rows: 2, checksum: 'a' }, 'public.notes': { rows: 0, checksum: '' } }, sequences: { 'public.n_seq': '7', 'public.unused': null } };

  it('agrees when counts, checksums and sequences match (a sequence may have moved on)', () => {
    expect(compareTableStats(recorded, { ...recorded, sequences: { 'public.n_seq': '9', 'public.unused': null } })).toEqual([]);
  });

  it('names each difference', () => {
    const restored = { tables: { 'public.dogs': { rows: 1, checksum: 'a' }, 'public.extra': { rows: 0, checksum: '' } }, sequences: { 'public.n_seq': '6', 'public.unused': null } };
    expect(compareTableStats(recorded, restored)).toEqual([
      'table public.dogs: 1 rows, the dump recorded 2',
      'table public.notes is missing',
      'table public.extra was not in the dump',
      'sequence public.n_seq is at 6, below the recorded 7',
    ]);
    expect(compareTableStats(recorded, { ...recorded, tables: { ...recorded.tables, 'public.dogs': { rows: 2, checksum: 'b' } } })).toEqual(['table public.dogs: content checksum differs from the dump\'s']);
  });

  it('takes a file-system snapshot only on btrfs or ZFS', () => {
    expect(['btrfs', 'zfs', 'ext2/ext3', 'tmpfs', 'xfs'].map(snapshotMethod)).toEqual(['btrfs', 'zfs', 'copy', 'copy', 'copy']);
  });
});
