import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { corpusFile } from './engine/testing.js';
import { PolicyError } from './policy/policy.load.js';
import { startTriageService, type TriageService } from './service.js';

const examplePolicy = fileURLToPath(new URL('../../deploy/triage-policy.example.yaml', import.meta.url));
const token = 'alertmanager-bearer-token';
let service: TriageService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function post(file: string) {
  return fetch(`${service!.url}/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: corpusFile(file).toString(),
  });
}

async function decisions(): Promise<Array<{ alertname: string; route: string; status: string; reasons: string[] }>> {
  const res = await fetch(`${service!.url}/api/decisions`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { decisions: Array<{ alertname: string; route: string; status: string; reasons: string[] }> }).decisions;
}

describe('kona triage, put together', () => {
  it('takes authenticated webhooks, decides with the policy, and escalates a lost heartbeat once, then its return', async () => {
    let now = Date.parse('2026-11-25T08:00:00Z');
    service = await startTriageService({
      policyFile: examplePolicy, database: { kind: 'embedded', dir: null }, auth: { bearer: token },
      logger: pino({ level: 'silent' }), now: () => now, heartbeatTickMs: 3_600_000, defaultMetrics: false,
    });
    expect((await post('01-watchdog.json')).status).toBe(200);
    expect((await post('20-node-not-ready-firing.json')).status).toBe(200);
    expect((await decisions()).map((d) => `${d.alertname} ${d.route}`)).toEqual(['KubeNodeNotReady notify', 'Watchdog record']);
    expect(await service.checkHeartbeat()).toBeUndefined();

    now += 11 * 60_000; // past the example policy's 10-minute window
    const lost = await service.checkHeartbeat();
    expect(lost).toMatchObject({ alertname: 'Watchdog', route: 'notify', status: 'firing', class: 'serious' });
    expect(lost!.reasons[0]).toMatch(/heartbeat has been missing for 11 minutes/);
    expect(await service.checkHeartbeat()).toBeUndefined(); // one outage, one escalation
    expect((await decisions())[0]).toMatchObject({ alertname: 'Watchdog', route: 'notify' });

    expect((await post('01-watchdog.json')).status).toBe(200);
    expect(await service.checkHeartbeat()).toMatchObject({ route: 'notify', status: 'resolved' });
  });

  it('refuses a bad policy file, naming the line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-policy-'));
    try {
      const file = path.join(dir, 'policy.yaml');
      writeFileSync(file, 'mode: observe\nrules:\n  - name: x\n    class: routine\n');
      const err = await startTriageService({
        policyFile: file, database: { kind: 'embedded', dir: null }, auth: {}, logger: pino({ level: 'silent' }),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as Error).message).toMatch(/policy\.yaml:3:\d+: rules\[0\]\.match/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
