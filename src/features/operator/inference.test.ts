import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, createTestApp, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { DispatcherClient } from '../../inference/client.js';
import { startFleet, type Fleet } from '../../inference/dispatcher/dispatcher.testing.js';
import { setFaults } from '../../inference/simulator/simulator.testing.js';
import { createOperator } from './operator.service.js';

// The page reads the dispatcher, not the database: one engine is enough.
describe('operator: inference dispatcher page', () => {
  let t: TestApp;
  let fleet: Fleet;
  let b: Browser;
  beforeAll(async () => {
    t = await createTestApp(engines[0]!);
    fleet = await startFleet();
    const ops = await createOperator(t.rt.ctx.control.kysely, 'ops', { type: 'system' });
    b = new Browser(t.app);
    await b.submit('/operator/sign-in', '/operator/sign-in', { username: ops.username, password: ops.password });
  });
  afterAll(async () => {
    await fleet.close();
    await t.close();
  });

  it('is for operators only', async () => {
    expect((await new Browser(t.app).get('/operator/inference')).statusCode).toBe(303);
  });

  it('says how to configure a dispatcher when none is', async () => {
    const res = await b.get('/operator/inference');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No dispatcher is configured');
    expect((await b.get('/operator')).body).toContain('href="/operator/inference"');
  });

  it('shows each backend\'s health and load and each queue, a failing backend, and an unreachable dispatcher', async () => {
    t.rt.ctx.inference = new DispatcherClient({ baseUrl: fleet.dispatcher.url });
    try {
      let res = await b.get('/operator/inference');
      expect(res.body).toMatch(/<th scope="row">b0 <small>\(vllm\)<\/small><\/th><td>dedicated<\/td><td>healthy<\/td><td>0 \/ 2<\/td>/);
      expect(res.body).toContain('<th scope="row">interactive</th><td>0</td><td>200</td><td>30 s</td>');
      await setFaults(fleet.sims[1]!, { errorStatus: 500 });
      await fleet.dispatcher.dispatcher.health.probeAll(); // the round with the canary
      await fleet.dispatcher.dispatcher.health.probeAll();
      res = await b.get('/operator/inference');
      expect(res.body).toContain('1 backend is not healthy: b1.');
      expect(res.body).toMatch(/<td>failing: no requests sent<\/td>.*canary: HTTP 500/s);
      t.rt.ctx.inference = new DispatcherClient({ baseUrl: 'http://127.0.0.1:9' });
      res = await b.get('/operator/inference');
      expect(res.body).toContain('The dispatcher did not answer: the dispatcher could not be reached');
    } finally {
      t.rt.ctx.inference = undefined;
    }
  });
});
