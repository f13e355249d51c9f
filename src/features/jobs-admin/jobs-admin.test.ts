import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';

describe.each(engines)('jobs page on %s', (engine) => {
  let t: TestApp;
  let admin: Browser;
  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    const a = await t.addStaff('alpha', 'admin');
    admin = new Browser(t.app);
    await admin.signIn('/r/alpha', a.email, a.password);
  });
  afterAll(() => t.close());

  async function failedJob() {
    const db = (await t.rt.ctx.tenants.get('alpha'))!.db;
    const row = await db.kysely
      .insertInto('jobs')
      .values({ name: 'maintenance.prune-sessions', payload: '{}', status: 'failed', attempts: 5, last_error: 'boom', finished_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { db, id: row.id };
  }

  it('shows counts and the failed jobs, and Retry queues one again', async () => {
    const { db, id } = await failedJob();
    const res = await admin.get('/r/alpha/hub/jobs');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Background jobs</h1>');
    expect(res.body).toContain('<th scope="row">Failed</th><td>1</td>');
    expect(res.body).toContain('maintenance.prune-sessions');
    expect(res.body).toContain('boom');
    expect(res.body).toContain(`action="/r/alpha/hub/jobs/${id}/retry"`);

    const retried = await admin.submit('/r/alpha/hub/jobs', `/r/alpha/hub/jobs/${id}/retry`, {});
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/r/alpha/hub/jobs?done=retried');
    const after = await admin.get(retried.headers.location!);
    expect(after.body).toContain('queued again');
    expect(after.body).toContain('<th scope="row">Failed</th><td>0</td>');
    const job = await db.kysely.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(job.status).toBe('queued');
    expect(job.attempts).toBe(0);
    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('action', '=', 'job.retried').executeTakeFirstOrThrow();
    expect(audit.target_id).toBe(String(id));
    expect(audit.actor_type).toBe('staff');

    const twice = await admin.submit('/r/alpha/hub/jobs', `/r/alpha/hub/jobs/${id}/retry`, {});
    expect(twice.statusCode).toBe(404);
    expect(twice.body).toContain('That failed job does not exist');
  });

  it('answers a malformed job id with a 404', async () => {
    const res = await admin.submit('/r/alpha/hub/jobs', '/r/alpha/hub/jobs/1x/retry', {});
    expect(res.statusCode).toBe(404);
  });

  it('refuses the jobs page and Retry to the staff role', async () => {
    const { id } = await failedJob();
    const member = await t.addStaff('alpha', 'staff');
    const b = new Browser(t.app);
    await b.signIn('/r/alpha', member.email, member.password);
    expect((await b.get('/r/alpha/hub/jobs')).statusCode).toBe(403);
    expect((await b.post(`/r/alpha/hub/jobs/${id}/retry`, { _csrf: await b.csrf('/r/alpha/hub') })).statusCode).toBe(403);
  });
});
