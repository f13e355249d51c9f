import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createOperator } from '../operator/operator.public.js';
import { bannerTexts } from './maintenance.service.js';

const hour = 3_600_000;
const local = (d: Date) => d.toISOString().slice(0, 16);

describe('bannerTexts', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const w = (startH: number, endH: number) => ({ id: 'x', startsAt: new Date(now.getTime() + startH * hour), endsAt: new Date(now.getTime() + endH * hour), message: 'Switch restart' });
  it('announces a window up to a week ahead, during it, and not after', () => {
    expect(bannerTexts([w(24, 25)], now)[0]).toBe('Planned maintenance from 2 Dec 2026, 12:00 UTC to 2 Dec 2026, 13:00 UTC: Switch restart');
    expect(bannerTexts([w(-1, 1)], now)[0]).toMatch(/^Maintenance under way until 1 Dec 2026, 13:00 UTC/);
    expect(bannerTexts([w(8 * 24, 8 * 24 + 1)], now)).toEqual([]);
    expect(bannerTexts([w(-2, -1)], now)).toEqual([]);
  });
});

describe.each(engines)('maintenance windows on %s', (engine) => {
  let t: TestApp;
  let operator: Browser;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    const op = await createOperator(t.rt.ctx.control.kysely, 'ops', { type: 'system' });
    operator = new Browser(t.app);
    const res = await operator.submit('/operator/sign-in', '/operator/sign-in', { username: op.username, password: op.password });
    expect(res.statusCode).toBe(303);
  });
  afterAll(() => t.close());

  it('an announced window shows on every rescue hub until it is cancelled', async () => {
    const start = new Date(Date.now() + 2 * 86_400_000);
    const res = await operator.submit('/operator/maintenance', '/operator/maintenance', {
      startsAt: local(start),
      endsAt: local(new Date(start.getTime() + hour)),
      message: 'The aggregation switch restarts <b>briefly</b>',
    });
    expect(res.statusCode).toBe(303);
    const staff = await signedInStaff(t, 'alpha', 'viewer');
    const hub = await staff.browser.get('/r/alpha/hub');
    expect(hub.body).toContain('Planned maintenance from');
    expect(hub.body).toContain('The aggregation switch restarts &lt;b>briefly&lt;/b>');
    // The public site is for adopters: no operator banner there.
    expect((await staff.browser.get('/r/alpha/')).body).not.toContain('Planned maintenance');
    const page = await operator.get('/operator/maintenance');
    const id = /\/operator\/maintenance\/([0-9a-f-]{36})\/cancel/.exec(page.body)![1]!;
    expect((await operator.submit('/operator/maintenance', `/operator/maintenance/${id}/cancel`, {})).statusCode).toBe(303);
    expect((await staff.browser.get('/r/alpha/hub')).body).not.toContain('Planned maintenance');
    const log = await t.rt.ctx.control.kysely.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    expect(log.map((r) => r.action)).toEqual(['maintenance.scheduled', 'maintenance.cancelled']);
  });

  it('rejects an end before the start, keeping what was typed', async () => {
    const res = await operator.submit('/operator/maintenance', '/operator/maintenance', { startsAt: '2030-01-02T10:00', endsAt: '2030-01-02T09:00', message: 'Disk swap' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('must be after the start');
    expect(res.body).toContain('value="Disk swap"');
    expect(res.body).toContain('value="2030-01-02T10:00"');
  });

  it('is for operators only', async () => {
    const staff = await signedInStaff(t, 'alpha', 'admin');
    expect((await staff.browser.get('/operator/maintenance')).statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/operator/maintenance', headers: { accept: 'application/json' } })).statusCode).toBe(401);
  });
});
