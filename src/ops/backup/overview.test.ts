import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { backupOverview } from './overview.js';
import { finishBackupRun, startBackupRun, type BackupLayer } from './runs.js';

describe.each(engines)('the console backup overview on %s', (engine) => {
  let control: Database<ControlSchema>;
  const now = new Date('2026-12-10T12:00:00Z');

  async function run(layer: BackupLayer, tenantSlug: string | null, finished: string, status: 'ok' | 'failed', bytes?: number, details?: Record<string, unknown>) {
    const finishedAt = new Date(finished);
    const id = await startBackupRun(control.kysely, { layer, kind: layer === 'drill' ? 'dump' : 'tenant', tenantSlug, startedAt: new Date(finishedAt.getTime() - 1000) });
    await finishBackupRun(control.kysely, id, { status, finishedAt, bytes, error: status === 'failed' ? 'disk full' : null, details });
  }

  beforeAll(async () => {
    control = await createTestDatabase<ControlSchema>(engine);
    await migrateSet(control, 'control');
    await run('dump', 'hope', '2026-12-08T02:00:00Z', 'ok', 1000);
    await run('dump', 'paws', '2026-12-08T03:00:00Z', 'ok', 500);
    await run('dump', 'hope', '2026-12-09T02:00:00Z', 'ok', 2000);
    await run('dump', 'paws', '2026-12-09T03:00:00Z', 'failed');
    await run('drill', null, '2026-12-09T04:00:00Z', 'ok', undefined, { rtoSeconds: 7.25, verdict: 'pass' });
  });
  afterAll(async () => control.close());

  it('reads the newest good run per rescue with its age, failures with their reason, and drills with RTO', async () => {
    const o = await backupOverview(control.kysely, now, { days: 4 });
    expect(o.lastGood.map((b) => [b.tenantSlug, b.bytes, b.ageSeconds / 3600])).toEqual([['hope', 2000, 34], ['paws', 500, 57]]);
    expect(o.failures.map((f) => [f.tenantSlug, f.error])).toEqual([['paws', 'disk full']]);
    expect(o.drills).toEqual([{ kind: 'dump', startedAt: new Date('2026-12-09T03:59:59Z'), verdict: 'pass', rtoSeconds: 7.25, error: null }]);
  });

  it('charts per UTC day the bytes written and the stalest rescue\'s age at the day\'s end (now, today)', async () => {
    const o = await backupOverview(control.kysely, now, { days: 4 });
    expect(o.days.map((d) => d.day.toISOString().slice(0, 10))).toEqual(['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10']);
    expect(o.days.map((d) => d.bytes)).toEqual([0, 1500, 2000, 0]);
    // The 8th ends 22 h after hope's dump. The 9th: hope was dumped again, paws failed, so paws (from 03:00 on the 8th) is the stalest: 45 h at midnight.
    expect(o.days.map((d) => d.worstAgeHours)).toEqual([null, 22, 45, 57]);
  });
});
