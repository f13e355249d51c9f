/**
 * kona triage end to end with the real programs: Debian's Prometheus scrapes a small exporter
 * whose gauge says it is unhealthy, its alert rule fires, Debian's Alertmanager groups the alert
 * and delivers it (bearer token) to `kona triage` running in-process on embedded PGlite. In
 * observe mode nothing is restarted; in act mode the local executor restarts the exporter (which
 * then reports healthy) and the verification reads Prometheus's ALERTS until the alert is gone.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/platform/clock/clock.js';
import { alertFingerprint } from '../../src/triage/ingest/fingerprint.js';
import { startTriageService, type TriageService } from '../../src/triage/service.js';
import { eventually, startAlertingStack, type AlertingStack } from '../harness/prometheus.js';
import { freePort } from '../harness/postgres.js';
import { exporterStarts, fixtureRule, restartScript, sample, startExporter, triageGet, writePolicy, type ApiDecision } from './fixture.js';

interface Running {
  dir: string;
  token: string;
  triage?: TriageService;
  exporter?: ChildProcess;
  stack?: AlertingStack;
}
let running: Running | undefined;

afterEach(async () => {
  const r = running;
  running = undefined;
  if (!r) return;
  await r.stack?.stop();
  if (r.exporter && r.exporter.exitCode === null) {
    const exited = new Promise((resolve) => r.exporter!.once('exit', resolve));
    r.exporter.kill('SIGTERM');
    await exited;
  }
  // A restarted exporter is no child of ours: stop it by the pid it wrote.
  for (const pid of exporterStarts(r.dir)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await r.triage?.close();
  rmSync(r.dir, { recursive: true, force: true });
});

/** What a scenario starts with. */
interface StartOptions {
  mode: 'observe' | 'act';
  /** Extra top-level policy keys, given the exporter's directory and port and Prometheus's URL. */
  policy?: (p: { dir: string; port: number; prometheusUrl: string }) => Record<string, unknown>;
  /** The triage clock (default: the system clock). */
  clock?: Clock;
}

/** Starts triage with its policy, the exporter, and Prometheus + Alertmanager pointed at both. */
async function startAll(opts: StartOptions): Promise<Required<Running> & { port: number }> {
  const r: Running = { dir: mkdtempSync(path.join(tmpdir(), 'kona-triage-e2e-')), token: randomBytes(16).toString('hex') };
  running = r;
  const port = await freePort();
  // The policy names Prometheus's URL, and Alertmanager needs triage's: Prometheus's port is chosen first.
  const prometheusPort = await freePort();
  const policyFile = path.join(r.dir, 'policy.yaml');
  writePolicy(policyFile, opts.mode, opts.policy?.({ dir: r.dir, port, prometheusUrl: `http://127.0.0.1:${prometheusPort}` }));
  r.triage = await startTriageService({
    policyFile, database: { kind: 'embedded', dir: null }, auth: { bearer: r.token },
    logger: pino({ level: 'silent' }), defaultMetrics: false, clock: opts.clock,
  });
  r.exporter = await startExporter(r.dir, port);
  r.stack = await startAlertingStack({
    scrapeTargets: [`127.0.0.1:${port}`], rules: [fixtureRule], webhook: { url: `${r.triage.url}/alertmanager`, bearer: r.token }, prometheusPort,
  });
  return { ...(r as Required<Running>), port };
}

/** The first firing decision about FixtureUnhealthy, once one exists. */
function firstFiring(triage: TriageService, token: string): Promise<ApiDecision> {
  return eventually('triage to decide about FixtureUnhealthy', async () => {
    const { decisions } = await triageGet<{ decisions: ApiDecision[] }>(`${triage.url}/api/decisions`, token);
    return decisions.filter((d) => d.alertname === 'FixtureUnhealthy' && d.status === 'firing').at(-1);
  }, 120_000);
}

/** Prometheus's instant query result, as [labels, value] pairs. */
async function promQuery(stack: AlertingStack, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  if (body.status !== 'success') throw new Error(`query ${query}: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('kona triage with real Prometheus and Alertmanager', () => {
  it('observe mode: the alert arrives through the real pipeline, act is recorded with execute false, and nothing is restarted', async () => {
    const { triage, token, stack, dir, exporter } = await startAll({ mode: 'observe' });
    const decision = await firstFiring(triage, token);
    expect(decision).toMatchObject({
      class: 'routine', route: 'act', mode: 'observe',
      action: { name: 'restart-deployment', target: { namespace: 'kona-e2e', deployment: 'fixture' }, execute: false },
    });

    // The fingerprint Alertmanager computed is the one triage recomputed: no mismatch was counted.
    const amAlerts = (await (await fetch(`${stack.alertmanagerUrl}/api/v2/alerts`)).json()) as Array<{ fingerprint: string; labels: Record<string, string> }>;
    const amAlert = amAlerts.find((a) => a.labels.alertname === 'FixtureUnhealthy');
    expect(amAlert, stack.logs()).toBeDefined();
    expect(amAlert!.fingerprint).toBe(decision.fingerprint);
    expect(alertFingerprint(amAlert!.labels)).toBe(amAlert!.fingerprint);
    const metrics = await (await fetch(`${triage.url}/metrics`)).text();
    expect(sample(metrics, 'kona_triage_fingerprint_mismatches_total')).toBe(0);
    expect(sample(metrics, 'kona_triage_engine_failures_total')).toBe(0);
    const { deliveries } = await triageGet<{ deliveries: Array<{ valid: boolean; receiver: string | null }> }>(`${triage.url}/api/deliveries`, token);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.valid)).toBe(true);

    // Two more scrapes after the decision: the same exporter process, first start, still unhealthy and firing.
    const decidedAt = Date.now() / 1000;
    await eventually('two scrapes after the decision', async () => {
      const [s] = await promQuery(stack, 'timestamp(kona_fixture_start)');
      return s && Number(s.value[1]) > decidedAt + 2 ? true : undefined;
    }, 60_000);
    expect(exporterStarts(dir)).toEqual([exporter.pid]);
    expect(exporter.exitCode).toBeNull();
    expect((await promQuery(stack, 'kona_fixture_start'))[0]?.value[1]).toBe('1');
    expect((await promQuery(stack, 'ALERTS{alertname="FixtureUnhealthy",alertstate="firing"}'))).toHaveLength(1);
    const all = (await triageGet<{ decisions: ApiDecision[] }>(`${triage.url}/api/decisions`, token)).decisions;
    expect(all.filter((d) => d.action?.execute === true)).toEqual([]);
    // The runner kept what it would have done, and did nothing.
    const actions = await triage.runner.log.list();
    expect(actions.map((a) => [a.name, a.targetKey, a.status])).toEqual([['restart-deployment', 'kona-e2e/fixture', 'planned']]);
  });

  it('act mode: the local executor restarts the exporter, and the verification reads the alert gone from Prometheus', async () => {
    // Verification waits at least a minute (verifyAfterMinutes): the triage clock is moved past it instead of waiting.
    let skew = 0;
    const { triage, token, stack, dir, exporter } = await startAll({
      mode: 'act',
      // Real timers (Prometheus and Alertmanager run on real time), a reading the test skews forward.
      clock: { now: () => Date.now() + skew, setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer },
      policy: ({ dir, port, prometheusUrl }) => ({
        actions: {
          executor: 'local',
          local: { targets: { 'kona-e2e/fixture': { restart: [process.execPath, restartScript, dir, String(port)] } }, timeoutSeconds: 20 },
          prometheusUrl, verifyAfterMinutes: 1, checkIntervalSeconds: 1, perTargetMinutes: 30, budgetPerHour: 3,
        },
      }),
    });
    const decision = await firstFiring(triage, token);
    expect(decision).toMatchObject({ class: 'routine', route: 'act', mode: 'act', action: { name: 'restart-deployment', target: { namespace: 'kona-e2e', deployment: 'fixture' }, execute: true } });

    const log = triage.runner.log;
    const executed = await eventually('the restart to be executed', async () => (await log.list()).find((a) => a.fingerprint === decision.fingerprint && a.status !== 'planned' && a.result !== 'started'), 60_000);
    // The row is written before the command runs (result "started"); this is the row after it returned.
    expect(executed, JSON.stringify(executed)).toMatchObject({ name: 'restart-deployment', targetKey: 'kona-e2e/fixture', status: 'executed' });
    const starts = exporterStarts(dir);
    expect(starts).toHaveLength(2);
    expect(starts[0]).toBe(exporter.pid);

    // The restarted exporter is healthy: Prometheus sees its second start and the alert leaves ALERTS.
    await eventually('the alert to leave Prometheus', async () => {
      const [start] = await promQuery(stack, 'kona_fixture_start');
      const alerts = await promQuery(stack, 'ALERTS{alertname="FixtureUnhealthy"}');
      return start?.value[1] === '2' && alerts.length === 0 ? true : undefined;
    }, 60_000);
    expect((await log.list()).find((a) => a.id === executed.id)?.status).toBe('executed'); // not before its time

    skew = 61_000;
    const verified = await eventually('the verification', async () => {
      const row = (await log.list()).find((a) => a.id === executed.id);
      return row && row.status !== 'executed' ? row : undefined;
    }, 60_000);
    expect(verified.status, verified.result ?? '').toBe('verified');
    expect(verified.result).toContain('ALERTS{');

    // Fixed: nobody is paged about it, and nothing is restarted again.
    const all = (await triageGet<{ decisions: ApiDecision[] }>(`${triage.url}/api/decisions`, token)).decisions;
    expect(all.filter((d) => d.alertname === 'FixtureUnhealthy' && d.route === 'notify')).toEqual([]);
    expect(exporterStarts(dir)).toHaveLength(2);
  });
});
