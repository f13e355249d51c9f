import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryIsEmpty } from './prometheus.js';
import { startFakePrometheus, type FakePrometheus } from './actions.testing.js';

describe('queryIsEmpty against a fake Prometheus', () => {
  let prom: FakePrometheus;
  beforeAll(async () => {
    prom = await startFakePrometheus();
  });
  afterAll(async () => {
    await prom.close();
  });

  it('holds on an empty vector, and lists what still matches otherwise', async () => {
    prom.answer = () => [];
    expect(await queryIsEmpty(prom.url, 'ALERTS{alertname="X"}')).toEqual({ ok: true, empty: true, series: [] });
    expect(prom.queries.at(-1)).toBe('ALERTS{alertname="X"}');
    prom.answer = () => [1, 2, 3, 4, 5].map((i) => ({ __name__: 'up', job: `j${i}` }));
    expect(await queryIsEmpty(`${prom.url}/`, 'up == 0')).toEqual({ ok: true, empty: false, series: ['up{job="j1"}', 'up{job="j2"}', 'up{job="j3"}', '… 2 more'] });
  });

  it('reports a refused query, a non-vector answer and an unreachable server as errors', async () => {
    prom.answer = () => 'error';
    expect(await queryIsEmpty(prom.url, 'up ==')).toEqual({ ok: false, error: 'Prometheus answered HTTP 400: parse error' });
    expect(await queryIsEmpty('http://127.0.0.1:9', 'up')).toMatchObject({ ok: false, error: expect.stringMatching(/^Prometheus could not be reached/) });
    const scalar = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}'));
    await new Promise<void>((r) => scalar.listen(0, '127.0.0.1', r));
    try {
      expect(await queryIsEmpty(`http://127.0.0.1:${(scalar.address() as AddressInfo).port}`, '1')).toEqual({ ok: false, error: 'the query must return a vector, not a scalar' });
    } finally {
      await new Promise((r) => scalar.close(r));
    }
  });
});
