import type { Kysely } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { multipartBody } from '../photos/photos.testing.js';
import { notify } from './notifications.public.js';

const rowsOf = (db: Kysely<TenantSchema>, staffId: string) =>
  db.selectFrom('notifications').select(['title', 'read_at']).where('staff_id', '=', staffId).orderBy('created_at').execute();

describe.each(engines)('in-app notifications on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let admin: { id: string; browser: Browser };
  let staff: { id: string; browser: Browser };
  let foster: { id: string; browser: Browser };
  let viewer: { id: string; browser: Browser };
  const base = '/r/alpha/hub';
  const csrf = (b: Browser) => b.csrf(`${base}/notifications`);

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    admin = await signedInStaff(t, 'alpha', 'admin');
    staff = await signedInStaff(t, 'alpha', 'staff');
    foster = await signedInStaff(t, 'alpha', 'foster');
    viewer = await signedInStaff(t, 'alpha', 'viewer');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  });
  afterAll(() => t.close());

  it('notifies active staff by role and by id, each person once, and never a disabled account', async () => {
    const disabled = await t.addStaff('alpha', 'staff');
    await db.updateTable('staff').set({ status: 'disabled' }).where('id', '=', disabled.id).execute();
    const made = await notify(db, { kind: 'application.new', title: 'Roles test', recipients: { roles: ['admin', 'staff'], staffIds: [admin.id, foster.id, disabled.id] } });
    expect(made).toBe(3);
    for (const who of [admin, staff, foster]) expect((await rowsOf(db, who.id)).map((r) => r.title)).toContain('Roles test');
    expect(await rowsOf(db, viewer.id)).toEqual([]);
    expect(await rowsOf(db, disabled.id)).toEqual([]);
  });

  it('skips the excepted person, creates nothing a second time for the same dedupe key, and works inside a transaction', async () => {
    const n = { kind: 'vaccination.due' as const, title: 'Once only', dedupeKey: 'k1', recipients: { roles: ['admin' as const, 'staff' as const], exceptStaffIds: [staff.id] } };
    expect(await db.transaction().execute((tx) => notify(tx, n))).toBe(1);
    expect(await notify(db, n)).toBe(0);
    expect((await rowsOf(db, admin.id)).filter((r) => r.title === 'Once only')).toHaveLength(1);
    expect((await rowsOf(db, staff.id)).filter((r) => r.title === 'Once only')).toHaveLength(0);
    // A rolled-back transaction leaves no notification behind.
    await expect(db.transaction().execute(async (tx) => {
      await notify(tx, { kind: 'foster.note', title: 'Rolled back', recipients: { staffIds: [admin.id] } });
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect((await rowsOf(db, admin.id)).map((r) => r.title)).not.toContain('Rolled back');
  });

  it('refuses a link that would leave the site', async () => {
    await expect(notify(db, { kind: 'foster.note', title: 'x', link: 'https://evil.example', recipients: { staffIds: [admin.id] } })).rejects.toThrow(/local path/);
    await expect(notify(db, { kind: 'foster.note', title: 'x', link: '//evil.example', recipients: { staffIds: [admin.id] } })).rejects.toThrow(/local path/);
  });

  it('lists only one\'s own notifications, newest first, unread highlighted, with the count in the header of every hub page', async () => {
    await notify(db, { kind: 'foster.note', title: 'Viewer first', recipients: { staffIds: [viewer.id] } });
    // Written a minute earlier, so the order does not rest on two inserts landing in different microseconds.
    await db.updateTable('notifications').set({ created_at: new Date(Date.now() - 60_000) }).where('title', '=', 'Viewer first').execute();
    await notify(db, { kind: 'foster.note', title: 'Viewer <second>', body: 'Body text', link: '/hub/dogs', recipients: { staffIds: [viewer.id] } });
    await notify(db, { kind: 'foster.note', title: 'Not for the viewer', recipients: { staffIds: [foster.id] } });
    const page = await viewer.browser.get(`${base}/notifications`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Notifications (2)');
    expect(page.body).toContain('2 unread of 2.');
    expect(page.body).toContain('<strong>Viewer &lt;second></strong>');
    expect(page.body).not.toContain('Not for the viewer');
    expect(page.body.indexOf('<strong>Viewer &lt;second></strong>')).toBeLessThan(page.body.indexOf('Viewer first'));
    expect(page.body.match(/class="notification unread"/g)).toHaveLength(2);
    // The header count is on other hub pages too, and not on the public site.
    expect((await viewer.browser.get(`${base}/dogs`)).body).toContain('>Notifications (2)</a>');
    expect((await viewer.browser.get('/r/alpha/')).body).not.toContain('Notifications (');
  });

  it('counts unread notifications only for hub pages, never for a file download', async () => {
    const dogRes = await staff.browser.post(`${base}/dogs`, { _csrf: await csrf(staff.browser), name: 'Counter', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
    const dogId = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(dogRes.headers.location ?? '')![1]!;
    const pdf = await PDFDocument.create();
    pdf.addPage([100, 100]);
    const { payload, contentType } = multipartBody([
      { name: '_csrf', value: csrfFrom((await staff.browser.get(`${base}/dogs/${dogId}/medical`)).body) },
      { name: 'title', value: 'Vet letter' },
      { name: 'document', filename: 'letter.pdf', type: 'application/pdf', data: Buffer.from(await pdf.save()) },
    ]);
    const cookie = Object.entries(staff.browser.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `${base}/dogs/${dogId}/documents`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(303);
    const doc = await db.selectFrom('medical_documents').select('id').where('dog_id', '=', dogId).executeTakeFirstOrThrow();
    await notify(db, { kind: 'foster.note', title: 'For the count', recipients: { staffIds: [staff.id] } });
    const unread = (await rowsOf(db, staff.id)).filter((r) => r.read_at === null).length;
    const counts = vi.spyOn(db, 'selectFrom');
    const countQueries = () => counts.mock.calls.filter(([table]) => String(table) === 'notifications').length;
    try {
      const file = await staff.browser.get(`${base}/dogs/${dogId}/documents/${doc.id}/file`);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(countQueries()).toBe(0);
      const page = await staff.browser.get(`${base}/dogs/${dogId}`);
      expect(page.body).toContain(`>Notifications (${unread})</a>`);
      expect(countQueries()).toBe(1);
    } finally {
      counts.mockRestore();
    }
  });

  it('marks one read, follows a link (marking it read), and marks all read', async () => {
    const ids = async () => db.selectFrom('notifications').select(['id', 'title', 'link', 'read_at']).where('staff_id', '=', viewer.id).orderBy('created_at').execute();
    const [first, second] = await ids();
    const read = await viewer.browser.post(`${base}/notifications/${first!.id}/read`, { _csrf: await csrf(viewer.browser) });
    expect(read.statusCode).toBe(303);
    expect(read.headers.location).toBe(`${base}/notifications?done=read`);
    const open = await viewer.browser.post(`${base}/notifications/${second!.id}/open`, { _csrf: await csrf(viewer.browser) });
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toBe(`${base}/dogs`);
    expect((await ids()).every((r) => r.read_at !== null)).toBe(true);
    const page = (await viewer.browser.get(`${base}/notifications`)).body;
    expect(page).toContain('>Notifications</a>');
    expect(page).not.toContain('class="notification unread"');

    await notify(db, { kind: 'foster.note', title: 'A', recipients: { staffIds: [viewer.id, foster.id] } });
    await notify(db, { kind: 'foster.note', title: 'B', recipients: { staffIds: [viewer.id] } });
    expect((await viewer.browser.get(`${base}/dogs`)).body).toContain('Notifications (2)');
    const all = await viewer.browser.post(`${base}/notifications/read-all`, { _csrf: await csrf(viewer.browser) });
    expect(all.headers.location).toBe(`${base}/notifications?done=all-read`);
    expect((await ids()).every((r) => r.read_at !== null)).toBe(true);
    // Someone else's unread notification is untouched.
    expect((await rowsOf(db, foster.id)).find((r) => r.title === 'A')?.read_at).toBeNull();
  });

  it('answers 404 for another person\'s notification, and for a malformed id, and changes nothing', async () => {
    const [theirs] = await db.selectFrom('notifications').select('id').where('staff_id', '=', foster.id).where('read_at', 'is', null).execute();
    for (const action of ['read', 'open']) {
      const res = await viewer.browser.post(`${base}/notifications/${theirs!.id}/${action}`, { _csrf: await csrf(viewer.browser) });
      expect(res.statusCode).toBe(404);
    }
    expect((await viewer.browser.post(`${base}/notifications/not-a-uuid/read`, { _csrf: await csrf(viewer.browser) })).statusCode).toBe(404);
    expect((await db.selectFrom('notifications').select('read_at').where('id', '=', theirs!.id).executeTakeFirstOrThrow()).read_at).toBeNull();
  });

  it('refuses a mark-read without a CSRF token and sends an anonymous visitor to sign in', async () => {
    const [mine] = await db.selectFrom('notifications').select('id').where('staff_id', '=', foster.id).where('read_at', 'is', null).execute();
    expect((await foster.browser.post(`${base}/notifications/${mine!.id}/read`, {})).statusCode).toBe(403);
    expect((await db.selectFrom('notifications').select('read_at').where('id', '=', mine!.id).executeTakeFirstOrThrow()).read_at).toBeNull();
    const anon = await t.app.inject({ method: 'GET', url: `${base}/notifications` });
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toContain('/hub/sign-in');
  });
});
