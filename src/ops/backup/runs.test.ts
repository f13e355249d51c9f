import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { Database } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { ControlSchema } from '../../platform/db/schema.js';
import { finishBackupRun, lastGoodRuns, listBackupRuns, runOutcomes, startBackupRun } from './runs.js';

describe.each(engines)('backup runs on %s', (engine) => {
  let control: Database<ControlSchema>;
  beforeAll(async () => {
    control = await createTestDatabase<ControlSchema>(engine);
    await migrateSet(control, 'control');
  });
  afterAll(async () => control.close());

  it('records runs and reads the last good one per layer and rescue', async () => {
    const db = control.kysely;
    const first = await startBackupRun(db, { layer: 'dump', tenantSlug: 'hope', startedAt: new Date('2026-12-01T02:00:00Z') });
    await finishBackupRun(db, first, { status: 'ok', finishedAt: new Date('2026-12-01T02:00:05Z'), bytes: 1234, location: 'dumps/hope/20261201T020000Z', details: { tables: 3 } });
    const second = await startBackupRun(db, { layer: 'dump', tenantSlug: 'hope', startedAt: new Date('2026-12-02T02:00:00Z') });
    await finishBackupRun(db, second, { status: 'failed', finishedAt: new Date('2026-12-02T02:00:01Z'), error: 'disk full' });
    const other = await startBackupRun(db, { layer: 'snapshot', startedAt: new Date('2026-12-02T03:00:00Z') });
    await finishBackupRun(db, other, { status: 'ok', finishedAt: new Date('2026-12-02T03:00:09Z') });

    const runs = await listBackupRuns(db, { tenantSlug: 'hope' });
    expect(runs.map((r) => r.status)).toEqual(['failed', 'ok']);
    expect(runs[1]).toMatchObject({ bytes: 1234, layer: 'dump', location: 'dumps/hope/20261201T020000Z', details: { tables: 3 } });
    expect(runs[0]?.error).toBe('disk full');
    const good = await lastGoodRuns(db);
    expect(good.map((r) => r.id).sort()).toEqual([first, other].sort());
    // The newest finished run per layer and rescue (hope's dump failed last), and the newest failure; a running one counts as neither.
    await startBackupRun(db, { layer: 'snapshot', startedAt: new Date('2026-12-03T03:00:00Z') });
    const { latest, lastFailed } = await runOutcomes(db);
    expect(latest.map((r) => [r.layer, r.tenantSlug, r.status])).toEqual([['dump', 'hope', 'failed'], ['snapshot', null, 'ok']]);
    expect(lastFailed.map((r) => [r.id, r.error])).toEqual([[second, 'disk full']]);
  });
});
