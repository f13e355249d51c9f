import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { renderToString } from 'preact-render-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { parsePolicy } from '../policy/policy.load.js';
import type { TriageSchema } from '../store/schema.js';
import { createTriageStore, type TriageStore } from '../store/store.js';
import type { NewAction } from './records.js';
import { actionRoutes } from './routes.js';
import { ActionRunner } from './runner.js';
import { withActionsTable } from './schema.js';
import { ActionsTable } from './view.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const row = (over: Partial<NewAction>): NewAction => ({
  decisionId: 'd1', fingerprint: 'fp1', alertname: 'KubePodCrashLooping', name: 'delete-pod', target: { namespace: 'kona', pod: 'web-7d9f8b6c5-x2kqp' },
  targetKey: 'kona/web-7d9f8b6c5-x2kqp', mode: 'act', status: 'verify-failed', reason: 'r', createdAt: T0, executedAt: T0, verifyAt: T0 + 300_000, ...over,
});

describe.each(engines)('actions API on %s', (engine) => {
  let store: TriageStore;
  let app: FastifyInstance;
  let runner: ActionRunner;
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    runner = new ActionRunner({ policy: parsePolicy('mode: observe\n'), db: withActionsTable(store.db.kysely), clock: new ManualClock(T0 + 3_600_000), logger: pino({ level: 'silent' }), onEscalate: () => {} });
    app = Fastify();
    await app.register(actionRoutes, { runner });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('lists actions newest first and acknowledges a failed one once', async () => {
    const failed = await runner.log.insert(row({}));
    const ok = await runner.log.insert(row({ status: 'verified', fingerprint: 'fp2', targetKey: 'kona/other' }));
    const list = await app.inject({ method: 'GET', url: '/api/actions?limit=10' });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ actions: { id: string }[] }>().actions.map((a) => a.id)).toEqual([ok.id, failed.id]);
    expect((await app.inject({ method: 'GET', url: `/api/actions?before=${ok.id}` })).json<{ actions: { id: string }[] }>().actions.map((a) => a.id)).toEqual([failed.id]);
    expect((await app.inject({ method: 'GET', url: '/api/actions?limit=0' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/api/actions/${ok.id}/acknowledge` })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/actions/999999/acknowledge' })).statusCode).toBe(404);
    const ack = await app.inject({ method: 'POST', url: `/api/actions/${failed.id}/acknowledge` });
    expect(ack.json()).toMatchObject({ acknowledged: 1, action: { id: failed.id, acknowledgedAt: T0 + 3_600_000 } });
    expect((await app.inject({ method: 'POST', url: `/api/actions/${failed.id}/acknowledge` })).statusCode).toBe(409);
  });

  it('the page table escapes what came from the alert and shows the mode', async () => {
    const a = await runner.log.insert(row({ alertname: '<script>alert(1)</script>', status: 'planned', mode: 'observe', executedAt: undefined, verifyAt: undefined }));
    const html = renderToString(<ActionsTable actions={[a]} configured mode="observe" />);
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Observe mode: actions are planned and recorded, never executed.');
    expect(renderToString(<ActionsTable actions={[]} configured={false} mode="act" />)).toContain('No actions section in the policy');
  });
});
