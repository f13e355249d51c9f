import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner } from '../../apps/web.js';
import { createLogger } from '../../platform/logging/logger.js';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { listAudit } from '../../platform/audit/audit.js';
import { nextTick } from '../../platform/jobs/index.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { finishBackupRun, startBackupRun, type BackupLayer } from '../../ops/backup/runs.js';
import { createOperator } from './operator.service.js';
import { formatAge } from './backups.views.js';

// Sessions are judged by the injected clock too, so it starts at the real time (on the minute).
const now = Math.floor(Date.now() / 60_000) * 60_000;
const hour = 3_600_000;

describe('formatAge', () => {
  it('reads as minutes, hours or days', () => {
    expect(formatAge(45 * 60)).toBe('45 min');
    expect(formatAge(26 * 3600 + 5 * 60)).toBe('26 h 5 min');
    expect(formatAge(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });
});

describe.each(engines)('the console Backups page on %s', (engine) => {
  let t: TestApp;
  let ops: { id: string; username: string; password: string };
  const clock = new ManualClock(now);
  const backupDir = mkdtempSync(path.join(tmpdir(), 'kona-console-backups-'));

  /** Records a finished run as the layers and drills do. */
  async function recordRun(run: { layer: BackupLayer; kind: string; tenantSlug?: string; hoursAgo: number; status: 'ok' | 'failed'; bytes?: number; error?: string; details?: Record<string, unknown> }) {
    const control = t.rt.ctx.control.kysely;
    const finishedAt = new Date(now - run.hoursAgo * hour);
    const id = await startBackupRun(control, { layer: run.layer, kind: run.kind, tenantSlug: run.tenantSlug, startedAt: new Date(finishedAt.getTime() - 60_000) });
    await finishBackupRun(control, id, { status: run.status, finishedAt, bytes: run.bytes, error: run.error, details: run.details });
  }

  async function operator(): Promise<Browser> {
    const b = new Browser(t.app);
    await b.submit('/operator/sign-in', '/operator/sign-in', { username: ops.username, password: ops.password });
    return b;
  }

  // The layers' own jobs; the PITR mark's cron (every 5 minutes) may fall due at the injected clock's minute.
  const queuedJobs = () => t.rt.ctx.control.kysely.selectFrom('jobs').select(['name', 'status']).where('name', 'like', 'backup.%').where('name', '!=', 'backup.pitr-mark').execute();

  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_BACKUP_DUMP_CRON: '30 2 * * *', KONA_BACKUP_DIR: backupDir, KONA_BACKUP_KEEP: 'daily=5', KONA_BACKUP_KEEP_DUMP: 'daily=3,weekly=2', KONA_RESTIC_KEEP_MONTHLY: '12', KONA_PGBACKREST_RETENTION_FULL: '3' }, { clock });
    await t.addTenant('alpha', 'Alpha Rescue');
    await t.addTenant('beta', 'Beta Rescue');
    ops = await createOperator(t.rt.ctx.control.kysely, 'ops', { type: 'system' });
    await recordRun({ layer: 'dump', kind: 'tenant', tenantSlug: 'alpha', hoursAgo: 50, status: 'ok', bytes: 1024 * 1024 });
    await recordRun({ layer: 'dump', kind: 'tenant', tenantSlug: 'alpha', hoursAgo: 26, status: 'ok', bytes: 2 * 1024 * 1024 });
    await recordRun({ layer: 'dump', kind: 'tenant', tenantSlug: 'beta', hoursAgo: 2, status: 'failed', error: 'No space left on device <script>alert(1)</script>' });
    await recordRun({ layer: 'drill', kind: 'dump', hoursAgo: 5, status: 'ok', details: { rtoSeconds: 12.5, verdict: 'pass' } });
    await recordRun({ layer: 'drill', kind: 'restic', hoursAgo: 4, status: 'failed', error: 'wrong restic password', details: { rtoSeconds: 3, verdict: 'fail' } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('shows the last good backup with its age and size, the next run, failures escaped, drills and the chart', async () => {
    const b = await operator();
    const res = await b.get('/operator/backups');
    expect(res.statusCode).toBe(200);
    const body = res.body;
    expect(body).toContain('href="/operator/backups"');
    // alpha's newest good dump (26 h old, 2 MB), not the older one; beta has none.
    expect(body).toContain(`<th scope="row">alpha</th><td>dump (tenant)</td><td><time datetime="${new Date(now - 26 * hour).toISOString()}">`);
    expect(body).toMatch(/<\/time> <span class="age">\(26 h 0 min ago\)<\/span><\/td><td>2 MB<\/td>/);
    expect(body).toMatch(/<th scope="row">beta<\/th><td>dump<\/td><td colspan="2"><strong>No good backup yet/);
    // The next dump is the cron's next tick after the injected clock's now.
    expect(body).toContain(`<time datetime="${nextTick('30 2 * * *', new Date(now)).toISOString()}">`);
    expect(body).toContain('No space left on device &lt;script>alert(1)&lt;/script>');
    expect(body).not.toContain('<script>alert(1)');
    expect(body).toMatch(/<td>dump<\/td><td>passed<\/td><td>12.5 s<\/td>/);
    expect(body).toMatch(/<td>restic<\/td><td><strong>failed<\/strong><\/td><td>3 s<\/td><td>wrong restic password<\/td>/);
    expect(body).toContain('<svg viewBox="0 0 600 200"');
    expect(body).toMatch(/<polyline class="age" points="[\d., ]+"/);
    expect(body).toContain('<circle');
    expect(body).toContain('aria-labelledby="backup-chart-title backup-chart-desc"');
    // The text alternative: one row per day, the day before yesterday's 1 MB among them.
    expect(body).toContain('<caption id="backup-days-caption">');
    expect(body).toContain('<td>1 MB</td>');
    expect(body).toContain('action="/operator/backups/dump/run"');
    expect(body).toContain('kona backup run --layer base');
    // No restic repository set: the off-site copy is the host's to run, not queued from here.
    expect(body).toContain('kona backup run --layer restic');
    expect(body).not.toContain('/operator/backups/restic/run');
    // What each layer keeps, as configured: the dump's own rules, restic's forget policy, pgBackRest's retention.
    const keeps = [...body.matchAll(/<td class="retention">(.*?)<br\/?><small>set by <code>(.*?)<\/code><\/small><\/td>/g)].map((m) => [m[1], m[2]]);
    expect(keeps).toEqual([
      ['3 full and 7 differential base backups per repository, and the WAL to restore them (pgBackRest)', 'KONA_PGBACKREST_RETENTION_FULL, _DIFF'],
      ['daily=3,weekly=2', 'KONA_BACKUP_KEEP_DUMP'],
      // The snapshot layer is the single box's (embedded) only.
      ...(engine === 'embedded' ? [['daily=5', 'KONA_BACKUP_KEEP']] : []),
      ['daily=7,weekly=4,monthly=12 (restic forget)', 'KONA_RESTIC_KEEP_DAILY, _WEEKLY, _MONTHLY'],
    ]);
  });

  it('queues the layer\'s job on "Run now" (once per minute), audited, without running it in the request; a worker then runs it', async () => {
    const b = await operator();
    const res = await b.submit('/operator/backups', '/operator/backups/dump/run', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/operator/backups?queued=dump');
    expect(await queuedJobs()).toEqual([{ name: 'backup.dump', status: 'queued' }]);
    expect((await b.get('/operator/backups?queued=dump')).body).toContain('The dump layer is queued');
    const again = await b.submit('/operator/backups', '/operator/backups/dump/run', {});
    expect(again.headers.location).toBe('/operator/backups?queued=dump&again=1');
    expect(await queuedJobs()).toHaveLength(1);
    const audit = (await listAudit(t.rt.ctx.control.kysely, 20)).filter((e) => e.action === 'backup.run-requested');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'operator', actor_id: ops.id, target_type: 'backup-layer', target_id: 'dump' });
    // Nothing ran: no new backup run was recorded by the request.
    expect((await t.rt.ctx.control.kysely.selectFrom('backup_runs').select('id').execute()).length).toBe(5);
    expect((await b.submit('/operator/backups', '/operator/backups/base/run', {})).statusCode).toBe(404);
    expect((await b.submit('/operator/backups', '/operator/backups/restic/run', {})).statusCode).toBe(404);

    // A worker's pass runs the queued job: a real dump of both rescues, which the page then shows.
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    expect(await queuedJobs()).toEqual([{ name: 'backup.dump', status: 'succeeded' }]);
    const after = (await b.get('/operator/backups')).body;
    expect(after).toContain('<th scope="row">beta</th><td>dump (tenant)</td>');
    expect(after).not.toContain('No good backup yet');
  });

  it('refuses "Run now" without its CSRF token, and the page and action to anyone but an operator', async () => {
    const before = (await queuedJobs()).length;
    const b = await operator();
    expect((await b.post('/operator/backups/snapshot/run', {})).statusCode).toBe(403);
    const anonymous = new Browser(t.app);
    expect((await anonymous.get('/operator/backups')).headers.location).toBe('/operator/sign-in?next=%2Foperator%2Fbackups');
    const admin = await t.addStaff('alpha', 'admin');
    const staff = new Browser(t.app);
    await staff.signIn('/r/alpha', admin.email, admin.password);
    expect((await staff.get('/operator/backups')).statusCode).toBe(303);
    expect((await staff.submit('/operator/sign-in', '/operator/backups/dump/run', {})).statusCode).toBe(401);
    expect(await queuedJobs()).toHaveLength(before);
  });
});
