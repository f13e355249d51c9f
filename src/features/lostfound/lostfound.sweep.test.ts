import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, csrfFrom, type TestApp } from '../../../test/harness/app.js';
import { createJobRunner } from '../../apps/web.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import { syntheticPhoto } from '../matching/matching.testing.js';
import { multipartBody } from '../photos/photos.testing.js';
import { lostFoundSweepJob } from './lostfound.jobs.js';
import { searchPhotosFolder } from './lostfound.store.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// Files only (no rescue data is involved), so one engine is enough.
describe('lost-and-found search photos', () => {
  const day = 86_400_000;
  const clock = new ManualClock(Date.parse('2026-12-01T10:00:00Z'));
  let t: TestApp;
  const root = () => path.join(t.rt.ctx.config.uploadsDir, searchPhotosFolder);
  const sweep = async () => {
    await enqueueJob(t.rt.ctx.control, t.rt.ctx.jobs, lostFoundSweepJob, {});
    await (await createJobRunner(t.rt, pino({ level: 'silent' }))).runOnce();
  };

  beforeAll(async () => {
    t = await createTestApp('embedded', { KONA_LOSTFOUND_KEEP_DAYS: '7', KONA_LOSTFOUND_MESSAGE_KEEP_DAYS: '30' }, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are stored without metadata at once, kept for KONA_LOSTFOUND_KEEP_DAYS, then deleted by lostfound.sweep', async () => {
    const withExif = await sharp(await syntheticPhoto(7)).jpeg().withMetadata({ exif: { IFD0: { Copyright: 'secret-gps-owner' } } }).toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const browser = new Browser(t.app);
    const token = csrfFrom((await browser.get('/lost-and-found')).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'found.jpg', type: 'image/jpeg', data: withExif }]);
    const cookie = Object.entries(browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: '/lost-and-found', payload, headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode).toBe(200);
    const dayDir = path.join(root(), '2026-12-01');
    const blobs = readdirSync(dayDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name));
    expect(blobs).toHaveLength(1);
    const stored = await sharp(path.join(blobs[0]!.parentPath, blobs[0]!.name)).metadata();
    expect(stored.exif).toBeUndefined();

    clock.set(clock.now() + 7 * day);
    await sweep();
    expect(existsSync(dayDir)).toBe(true);
    clock.set(clock.now() + 1 * day + 1000);
    await sweep();
    expect(existsSync(dayDir)).toBe(false);
  });
  it('messages to a rescue are kept KONA_LOSTFOUND_MESSAGE_KEEP_DAYS, then deleted by the rescue\'s lostfound.sweep run', async () => {
    await t.addTenant('keeper');
    const handle = (await t.rt.ctx.tenants.get('keeper'))!;
    const db = handle.db.kysely;
    const ring = t.rt.ctx.secrets.keyRing;
    const { id: dogId } = await db.insertInto('dogs').values({ name: 'Rolo', size: 'medium', intake_date: '2026-11-01', intake_type: 'stray' }).returning('id').executeTakeFirstOrThrow();
    const message = (daysAgo: number) => ({ dog_id: dogId, name_enc: ring.encrypt('A'), email_enc: ring.encrypt('a@example.org'), phone_enc: ring.encrypt(''), message_enc: ring.encrypt('hi'), created_at: new Date(clock.now() - daysAgo * day) });
    await db.insertInto('lostfound_contacts').values([message(31), message(29)]).execute();
    await enqueueJob(handle.db, t.rt.ctx.jobs, lostFoundSweepJob, {});
    await (await createJobRunner(t.rt, pino({ level: 'silent' }))).runOnce();
    const left = await db.selectFrom('lostfound_contacts').select('created_at').execute();
    expect(left.map((r) => Math.round((clock.now() - r.created_at.getTime()) / day))).toEqual([29]);
  });
});
