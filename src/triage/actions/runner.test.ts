import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { TriageEngine } from '../engine/engine.js';
import { MemoryState } from '../engine/memory-state.js';
import { parsePolicy } from '../policy/policy.load.js';
import type { TriageSchema } from '../store/schema.js';
import { createTriageStore, type TriageStore } from '../store/store.js';
import type { Decision } from '../types.js';
import { createExecutor } from './executors.js';
import { ActionRunner } from './runner.js';
import { withActionsTable } from './schema.js';
import { startFakePrometheus, type FakePrometheus } from './actions.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const min = 60_000;
const dir = mkdtempSync(path.join(tmpdir(), 'kona-runner-'));
const runs = path.join(dir, 'restarts');
const healthy = path.join(dir, 'healthy');
// restart: appends a line per run and makes the target healthy; status: exit 0 once healthy.
const restartScript = path.join(dir, 'restart.mjs');
writeFileSync(restartScript, `import { appendFileSync, writeFileSync } from 'node:fs';\nappendFileSync(process.argv[2], 'run\\n');\nwriteFileSync(process.argv[3], '');\nprocess.exit(Number(process.argv[4] ?? 0));\n`);
const statusScript = path.join(dir, 'status.mjs');
writeFileSync(statusScript, `import { existsSync } from 'node:fs';\nprocess.exit(existsSync(process.argv[2]) ? 0 : 1);\n`);
const restartCount = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);

function policyText(mode: 'observe' | 'act', opts: { prometheusUrl?: string; restartExit?: number; verify?: string } = {}): string {
  const argv = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  return `mode: ${mode}
actions:
  executor: local
  budgetPerHour: 10
${opts.prometheusUrl ? `  prometheusUrl: ${opts.prometheusUrl}\n` : ''}  local:
    timeoutSeconds: 20
    targets:
      "box/exporter":
        restart: ${argv([process.execPath, restartScript, runs, healthy, String(opts.restartExit ?? 0)])}
        status: ${argv([process.execPath, statusScript, healthy])}
rules:
  - name: exporter-down
    match: { alertname: KonaExporterDown }
    class: routine
    action: { name: restart-deployment, enabled: true${opts.verify ? `, verify: ${opts.verify}` : ''} }
`;
}

let seq = 0;
function actDecision(mode: 'observe' | 'act', at: number, over: Partial<Decision> = {}): Decision {
  return {
    id: `dec-${++seq}`, deliveryId: '1', fingerprint: 'fp-exporter', alertname: 'KonaExporterDown', severity: 'warning', status: 'firing', class: 'routine',
    route: 'act', rule: 'exporter-down', reasons: ['Matched rule exporter-down (routine).'], mode, at,
    action: { name: 'restart-deployment', target: { namespace: 'box', deployment: 'exporter' }, execute: mode === 'act' }, ...over,
  };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(engines)('ActionRunner on %s', (engine) => {
  let store: TriageStore;
  let prometheus: FakePrometheus;
  let clock: ManualClock;
  let escalated: Decision[];
  const runners: ActionRunner[] = [];
  const logger = pino({ level: 'silent' });

  async function runner(text: string): Promise<ActionRunner> {
    const policy = parsePolicy(text);
    const r = new ActionRunner({
      policy, db: withActionsTable(store.db.kysely), executor: await createExecutor(policy.actions!), clock, logger,
      onEscalate: (d) => void escalated.push(d), saveDecision: (d) => store.state.saveDecision(d),
    });
    runners.push(r);
    return r;
  }
  async function decide(d: Decision): Promise<Decision> {
    await store.state.saveDecision(d);
    return d;
  }

  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    prometheus = await startFakePrometheus();
  });
  afterAll(async () => {
    for (const r of runners) await r.stop();
    await prometheus.close();
    await store.close();
  });
  beforeEach(async () => {
    await withActionsTable(store.db.kysely).deleteFrom('actions').execute();
    rmSync(runs, { force: true });
    rmSync(healthy, { force: true });
    clock = new ManualClock(T0);
    escalated = [];
    prometheus.answer = () => [];
    prometheus.queries.length = 0;
  });

  it('observe mode records what it would do and runs nothing', async () => {
    const r = await runner(policyText('observe', { prometheusUrl: prometheus.url }));
    const row = await r.handle(await decide(actDecision('observe', T0)));
    expect(row).toMatchObject({ status: 'planned', mode: 'observe', targetKey: 'box/exporter', executedAt: null, verifyAt: null, reason: 'Observe mode: restart-deployment on box/exporter would be executed; nothing was done.' });
    clock.advance(10 * min);
    expect(await r.verifyDue()).toEqual([]);
    expect(restartCount()).toBe(0);
    expect(prometheus.queries).toEqual([]);
    expect(escalated).toEqual([]);
    expect(await r.handle(actDecision('observe', T0, { route: 'notify' }))).toBeUndefined();
  });

  it('act mode executes once, holds the target while verification is pending, and verifies through Prometheus', async () => {
    const r = await runner(policyText('act', { prometheusUrl: prometheus.url }));
    const row = await r.handle(await decide(actDecision('act', T0)));
    expect(row).toMatchObject({ status: 'executed', mode: 'act', executedAt: T0, verifyAt: T0 + 5 * min, result: 'The restart command of box/exporter succeeded.' });
    expect(row?.verify).toEqual({ query: 'ALERTS{alertname="KonaExporterDown",namespace="box",deployment="exporter"}' });
    expect(restartCount()).toBe(1);
    clock.advance(1 * min);
    expect(await r.handle(await decide(actDecision('act', clock.now())))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/awaiting verification/) });
    expect(restartCount()).toBe(1);
    expect(await r.verifyDue()).toEqual([]);
    expect(prometheus.queries).toEqual([]);
    clock.set(T0 + 5 * min);
    const [verified] = await r.verifyDue();
    expect(verified).toMatchObject({ id: row?.id, status: 'verified', verifiedAt: T0 + 5 * min, result: expect.stringMatching(/returned nothing after 5 minutes/) });
    expect(prometheus.queries).toEqual(['ALERTS{alertname="KonaExporterDown",namespace="box",deployment="exporter"}']);
    expect(escalated).toEqual([]);
  });

  it('a fix that did not hold escalates, and the target is not acted on again until acknowledged', async () => {
    prometheus.answer = () => [{ __name__: 'ALERTS', alertname: 'KonaExporterDown', alertstate: 'firing', namespace: 'box', deployment: 'exporter' }];
    const r = await runner(policyText('act', { prometheusUrl: prometheus.url, verify: '{ query: \'up{job="{{deployment}}"} == 0\', afterMinutes: 7 }' }));
    const first = await decide(actDecision('act', T0));
    const row = await r.handle(first);
    expect(row?.verify.query).toBe('up{job="exporter"} == 0');
    clock.set(T0 + 7 * min);
    const [failed] = await r.verifyDue();
    expect(failed).toMatchObject({ status: 'verify-failed' });
    expect(escalated).toHaveLength(1);
    const notice = escalated[0]!;
    expect(notice).toMatchObject({ route: 'notify', fingerprint: 'fp-exporter', alertname: 'KonaExporterDown', rule: 'exporter-down', deliveryId: '1', mode: 'act', at: T0 + 7 * min, action: { name: 'restart-deployment', execute: true } });
    expect(notice.id).not.toBe(first.id);
    expect(notice.reasons[0]).toBe('restart-deployment on box/exporter did not fix it: up{job="exporter"} == 0 still matches ALERTS{alertname="KonaExporterDown",alertstate="firing",namespace="box",deployment="exporter"} after 7 minutes');
    expect((await store.listDecisions()).map((d) => d.id)).toContain(notice.id);
    // Later, the same alert again: not repeated, escalated instead.
    clock.set(T0 + 120 * min);
    const again = await r.handle(await decide(actDecision('act', clock.now())));
    expect(again).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/did not fix it; triage does not act on it again until a human acknowledges/) });
    expect(restartCount()).toBe(1);
    expect(escalated).toHaveLength(2);
    expect(await r.acknowledge(row!.id)).toBe(1);
    rmSync(healthy); // still broken, as the alert says
    expect(await r.handle(await decide(actDecision('act', clock.now())))).toMatchObject({ status: 'executed' });
    expect(restartCount()).toBe(2);
  });

  it('a restart keeps pending verifications: a new runner on the same database verifies them', async () => {
    const first = await runner(policyText('act', { prometheusUrl: prometheus.url }));
    const row = await first.handle(await decide(actDecision('act', T0)));
    await first.stop();
    prometheus.answer = () => [{ alertname: 'KonaExporterDown' }];
    const second = await runner(policyText('act', { prometheusUrl: prometheus.url }));
    clock.set(T0 + 6 * min);
    const [settled] = await second.verifyDue();
    expect(settled).toMatchObject({ id: row?.id, status: 'verify-failed' });
    expect(escalated.map((d) => d.reasons[0])).toEqual(['restart-deployment on box/exporter did not fix it: ALERTS{alertname="KonaExporterDown",namespace="box",deployment="exporter"} still matches {alertname="KonaExporterDown"} after 5 minutes']);
  });

  it('waits for an unreachable Prometheus within the grace period, then fails the verification', async () => {
    const r = await runner(policyText('act', { prometheusUrl: 'http://127.0.0.1:9' }));
    await r.handle(await decide(actDecision('act', T0)));
    clock.set(T0 + 5 * min);
    expect(await r.verifyDue()).toEqual([]);
    clock.set(T0 + 16 * min);
    const [failed] = await r.verifyDue();
    expect(failed).toMatchObject({ status: 'verify-failed', result: expect.stringMatching(/could not be read: Prometheus could not be reached/) });
    expect(escalated).toHaveLength(1);
  });

  it('start() verifies due actions on its timer; stop() ends it', async () => {
    const r = await runner(policyText('act', { prometheusUrl: prometheus.url }).replace('  budgetPerHour: 10\n', '  budgetPerHour: 10\n  checkIntervalSeconds: 1\n'));
    const row = await r.handle(await decide(actDecision('act', T0)));
    clock.set(T0 + 5 * min);
    r.start();
    clock.advance(999);
    expect((await r.log.get(row!.id))?.status).not.toBe('verified'); // the first pass is one interval away
    clock.advance(1); // checkIntervalSeconds: the pass runs now; its Prometheus query is real I/O
    await vi.waitFor(async () => expect((await r.log.get(row!.id))?.status).toBe('verified'), { timeout: 10_000, interval: 20 });
    await r.stop();
    expect(clock.pending).toBe(0);
  });

  it('without Prometheus the executor verifies (the status command)', async () => {
    const r = await runner(policyText('act'));
    const row = await r.handle(await decide(actDecision('act', T0)));
    expect(row?.verify).toEqual({});
    clock.set(T0 + 5 * min);
    expect(await r.verifyDue()).toEqual([expect.objectContaining({ status: 'verified', result: 'The status command of box/exporter says it is healthy.' })]);
  });

  it('an execution error or an unmet precondition escalates and is not retried', async () => {
    const r = await runner(policyText('act', { prometheusUrl: prometheus.url, restartExit: 3 }));
    expect(await r.handle(await decide(actDecision('act', T0)))).toMatchObject({ status: 'failed', result: 'restart-deployment on box/exporter: the restart command exited 3.' });
    expect(escalated.map((d) => d.reasons[0])).toEqual(['restart-deployment on box/exporter failed: restart-deployment on box/exporter: the restart command exited 3.']);
    clock.advance(60 * min);
    expect(await r.handle(await decide(actDecision('act', clock.now())))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/failed; triage does not act/) });
    expect(restartCount()).toBe(1);
    await withActionsTable(store.db.kysely).deleteFrom('actions').execute();
    // The restart made it healthy: the status command now refuses a pointless action.
    expect(await r.handle(await decide(actDecision('act', clock.now())))).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^Precondition not met: .*healthy; nothing to fix/) });
    expect(restartCount()).toBe(1);
    expect(escalated.at(-1)?.reasons[0]).toMatch(/^Triage did not run restart-deployment on box\/exporter: /);
  });

  it('an alert without the target labels is not executed, and says which label is missing', async () => {
    const r = await runner(policyText('act', { prometheusUrl: prometheus.url }));
    const row = await r.handle(actDecision('act', T0, { action: { name: 'restart-deployment', target: { namespace: 'box' }, execute: true } }));
    expect(row).toMatchObject({ status: 'skipped', reason: 'restart-deployment needs the label deployment, which the alert does not carry.' });
    expect(restartCount()).toBe(0);
    expect(escalated).toHaveLength(1);
  });

  it('takes the engine\'s act decision end to end: executed in act mode, only recorded in observe mode', async () => {
    for (const mode of ['observe', 'act'] as const) {
      const policy = parsePolicy(policyText(mode, { prometheusUrl: prometheus.url }));
      const triage = new TriageEngine({ policy, state: new MemoryState(), clock });
      const alert = { status: 'firing' as const, labels: { alertname: 'KonaExporterDown', namespace: 'box', deployment: 'exporter', severity: 'warning' }, annotations: {}, startsAt: '2026-11-25T12:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: `fp-${mode}` };
      const [d] = await triage.process({ id: `del-${mode}`, receivedAt: clock.now(), bodySha256: mode, receiver: 'r', groupKey: 'g', status: 'firing', truncatedAlerts: 0, groupLabels: {}, commonLabels: {}, externalURL: '', alerts: [alert] });
      expect(d?.action?.execute).toBe(mode === 'act');
      const row = await (await runner(policyText(mode, { prometheusUrl: prometheus.url }))).handle(d!, { alert });
      expect(row?.status).toBe(mode === 'act' ? 'executed' : 'planned');
      expect(restartCount()).toBe(mode === 'act' ? 1 : 0);
    }
  });
});
