import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness/app.js';
import { engines } from '../../test/harness/databases.js';
import { enqueueJob } from '../platform/jobs/index.js';
import { createLogger } from '../platform/logging/logger.js';
import { sweepUploadsAtStart } from './runtime.js';
import { createJobRunner } from './web.js';

describe.each(engines)('the process job runner on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('busy');
  });
  afterAll(() => t.close());

  it('runs jobs queued in a tenant database that nobody has visited, and prunes old sessions', async () => {
    const handle = (await t.rt.ctx.tenants.get('busy'))!;
    const staff = await t.addStaff('busy', 'staff');
    await handle.db.kysely.insertInto('sessions').values([
      { token_hash: 'stale', staff_id: staff.id, last_seen_at: new Date(Date.now() - 30 * 86_400_000) },
      { token_hash: 'fresh', staff_id: staff.id },
    ]).execute();
    await t.rt.ctx.tenants.close('busy'); // as after a restart: the runner must open it itself
    const { id } = await enqueueJob((await t.rt.ctx.tenants.get('busy'))!.db, t.rt.jobs, 'maintenance.prune-sessions', {});
    await t.rt.ctx.tenants.close('busy');
    const runner = await createJobRunner(t.rt, createLogger('silent'));
    await runner.runOnce();
    const db = (await t.rt.ctx.tenants.get('busy'))!.db.kysely;
    expect(await db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst()).toEqual({ status: 'succeeded' });
    expect((await db.selectFrom('sessions').select('token_hash').execute()).map((r) => r.token_hash)).toEqual(['fresh']);
  });

  /** A partial upload in one of the rescue's stores, its mtime `ageMs` in the past. */
  function partialUpload(store: string, ageMs: number): string {
    const dir = path.join(t.rt.ctx.config.uploadsDir, 'busy', store, '.tmp');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${randomUUID()}.part`);
    writeFileSync(file, 'half a photo');
    const at = new Date(Date.now() - ageMs);
    utimesSync(file, at, at);
    return file;
  }

  it('sweeps partial uploads older than an hour from every store, hourly and at start, keeping uploads in progress', async () => {
    const hours = (n: number) => n * 60 * 60 * 1000;
    const stale = [partialUpload('', hours(2)), partialUpload('contracts', hours(30))];
    const fresh = [partialUpload('', 1000), partialUpload('contracts', hours(0.5))];
    expect(t.rt.jobs.get('maintenance.sweep-uploads')?.cron).toBe('41 * * * *');
    const { id } = await enqueueJob(t.rt.ctx.control, t.rt.jobs, 'maintenance.sweep-uploads', {});
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    expect(await t.rt.ctx.control.kysely.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst()).toEqual({ status: 'succeeded' });
    for (const file of stale) expect(existsSync(file), file).toBe(false);
    for (const file of fresh) expect(existsSync(file), file).toBe(true);

    const leftOver = partialUpload('', hours(3));
    await sweepUploadsAtStart(t.rt);
    expect(existsSync(leftOver)).toBe(false);
    for (const file of fresh) expect(existsSync(file), file).toBe(true);
  });

  it('refuses to start when a declared job has no handler', () => {
    expect(() => t.rt.jobs.assertComplete(['maintenance.prune-sessions', 'no-such.job'])).toThrow(/no-such\.job/);
  });
});
