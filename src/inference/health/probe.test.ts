import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock/clock.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { startSimBackend, type RunningSimBackend } from '../simulator/server.js';
import { waitFor } from '../simulator/simulator.testing.js';
import type { BreakerTransition } from './breaker.js';
import { HealthMonitor, probeBackend } from './probe.js';

const fast = { slots: 2, baseStepMs: 2, alpha: 0.1, prefillMsPerToken: 0.01, kvTokenBudget: 1000 };
// Probe timeouts and breaker cooldowns run on a test clock: a healthy probe on a loaded machine never
// times out, and a hung canary times out when the test has seen it reach the backend.
const timeoutMs = 1000;
let sims: RunningSimBackend[] = [];
let monitors: HealthMonitor[] = [];

afterEach(async () => {
  await Promise.all(monitors.map((m) => m.stop()));
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  monitors = [];
});

async function setup(opts: { canaryEvery?: number; intervalMs?: number } = {}) {
  // The sim's refusal window is judged by its own test clock; its GPU steps stay on real timers.
  const simClock = new ManualClock(1_000);
  const sim = await startSimBackend({ timing: fast, modelName: 'm', clock: { now: () => simClock.now(), setTimer: systemClock.setTimer, clearTimer: systemClock.clearTimer } });
  sims.push(sim);
  const clock = new ManualClock(1_000);
  const advance = (ms: number) => clock.advance(ms);
  let canaries = 0;
  sim.app.server.on('request', (req: { url?: string }) => { if (req.url === '/v1/chat/completions') canaries++; });
  const transitions: string[] = [];
  const monitor = new HealthMonitor({
    backends: [{ name: 'gpu', baseUrl: sim.url, models: ['m'] }],
    probe: { intervalMs: opts.intervalMs ?? 10_000, timeoutMs },
    breaker: { baseCooldownMs: 500, maxCooldownMs: 4000 },
    canaryEvery: opts.canaryEvery,
    clock,
    onTransition: (name, t: BreakerTransition) => transitions.push(`${name}:${t.from}>${t.to}`),
  });
  monitors.push(monitor);
  const state = () => monitor.snapshot()[0]!;
  /** One probe round; a canary that reached a hanging backend is timed out by moving the clock. */
  const round = async () => {
    const before = canaries;
    let settled = false;
    const done = monitor.probeAll().finally(() => { settled = true; });
    await waitFor(() => settled || (sim.faults().hang === true && canaries > before));
    if (!settled) advance(timeoutMs);
    await done;
  };
  return { sim, simClock, monitor, clock, advance, round, transitions, state };
}

/** Runs probe rounds until the breaker opens; returns how many it took (max 5). */
async function roundsUntilOpen(s: { round(): Promise<void>; state(): { state: string } }): Promise<number> {
  for (let n = 1; n <= 5; n++) {
    await s.round();
    if (s.state().state === 'open') return n;
  }
  return Infinity;
}

/** A clock that never moves: probeBackend's step timeouts cannot run out on a loaded machine. */
const still = () => new ManualClock();

describe('probeBackend', () => {
  it('passes a healthy backend with the canary, and fails on a model the backend does not serve', async () => {
    const { sim } = await setup();
    expect(await probeBackend({ name: 'gpu', baseUrl: sim.url, models: ['m'] }, { timeoutMs, canary: true, clock: still() })).toEqual({ ok: true });
    expect(await probeBackend({ name: 'gpu', baseUrl: sim.url, models: ['other'] }, { timeoutMs, canary: false, clock: still() }))
      .toEqual({ ok: false, reason: 'models: configured model not listed' });
  });

  it('reports an error status from the canary while /health is green', async () => {
    const { sim } = await setup();
    sim.setFaults({ errorStatus: 503 });
    expect(await probeBackend({ name: 'gpu', baseUrl: sim.url, models: ['m'] }, { timeoutMs, canary: false, clock: still() })).toEqual({ ok: true });
    expect(await probeBackend({ name: 'gpu', baseUrl: sim.url, models: ['m'] }, { timeoutMs, canary: true, clock: still() }))
      .toEqual({ ok: false, reason: 'canary: HTTP 503' });
  });
});

describe('probeBackend with a canary decided when it would go', () => {
  it('asks after /health and /v1/models: undefined skips the canary, a number sends it', async () => {
    const { sim } = await setup();
    sim.setFaults({ errorStatus: 503 });
    const target = { name: 'gpu', baseUrl: sim.url, models: ['m'] };
    let asked = 0;
    expect(await probeBackend(target, { timeoutMs, canary: () => { asked++; return undefined; }, clock: still() })).toEqual({ ok: true });
    expect(asked).toBe(1);
    expect(await probeBackend(target, { timeoutMs, canary: () => 5000, clock: still() })).toEqual({ ok: false, reason: 'canary: HTTP 503' });
    sim.setFaults({ refuseForMs: 60_000 });
    expect(await probeBackend(target, { timeoutMs, canary: () => { asked++; return 5000; }, clock: still() })).toMatchObject({ ok: false, reason: expect.stringMatching(/^health: /) });
    expect(asked).toBe(1); // a failed /health decides the round before any canary is planned
  });
});

describe('HealthMonitor against the simulated backend', () => {
  it('keeps a healthy backend closed across canary and plain rounds', async () => {
    const { monitor, transitions, state } = await setup();
    for (let i = 0; i < 3; i++) await monitor.probeAll();
    expect(monitor.rounds).toBe(3);
    expect(state()).toEqual({ name: 'gpu', state: 'closed', lastProbeAt: 1_000, lastError: null });
    expect(monitor.breaker('gpu')!.available()).toBe(true);
    expect(transitions).toEqual([]);
  });

  it('opens on refused connections, then goes half-open and closed once they are accepted again', async () => {
    const s = await setup();
    const { sim, simClock, monitor, advance, transitions, state } = s;
    await monitor.probeAll();
    sim.setFaults({ refuseForMs: 800 });
    expect(await roundsUntilOpen(s)).toBe(1);
    expect(state().lastError).toMatch(/^health: /);
    expect(monitor.breaker('gpu')!.available()).toBe(false);
    simClock.advance(800); // the backend accepts connections again
    await monitor.probeAll(); // still in its cooldown: a success alone does not close it
    expect(state().state).toBe('open');
    advance(500);
    expect(state().state).toBe('half-open');
    await monitor.probeAll();
    expect(state()).toMatchObject({ state: 'closed', lastError: null });
    expect(transitions).toEqual(['gpu:closed>open', 'gpu:open>half-open', 'gpu:half-open>closed']);
  });

  for (const [canaryEvery, healthyRounds, rounds] of [[1, 1, 1], [2, 1, 1], [2, 2, 2]] as const) {
    it(`catches completions that hang behind a green /health (canary every ${canaryEvery} round(s), after ${healthyRounds} healthy: ${rounds} round(s))`, async () => {
      const s = await setup({ canaryEvery });
      const { sim, advance, round, transitions, state } = s;
      for (let i = 0; i < healthyRounds; i++) await round();
      sim.setFaults({ hang: true });
      // The default canary runs every round; with canaryEvery 2 it runs on even rounds only.
      expect(await roundsUntilOpen(s)).toBe(rounds);
      expect(state().lastError).toBe('canary: timeout');

      // Still hanging when the cooldown ends: the half-open canary fails and the cooldown doubles
      // (counted from the failure, after the probe timeout).
      advance(500);
      await round();
      expect(state().state).toBe('open');
      advance(999);
      expect(state().state).toBe('open');

      sim.setFaults({});
      advance(1);
      expect(state().state).toBe('half-open');
      await round();
      expect(state()).toMatchObject({ state: 'closed', lastError: null });
      expect(transitions).toEqual([
        'gpu:closed>open', 'gpu:open>half-open', 'gpu:half-open>open', 'gpu:open>half-open', 'gpu:half-open>closed',
      ]);
    });
  }

  it('keeps breaker state across a reload and drops removed backends', async () => {
    const { monitor, sim } = await setup();
    monitor.breaker('gpu')!.recordFailure('probe');
    monitor.setBackends([{ name: 'gpu', baseUrl: sim.url, models: ['m'] }, { name: 'gpu2', baseUrl: sim.url, models: ['m'] }]);
    expect(monitor.snapshot().map((s) => [s.name, s.state])).toEqual([['gpu', 'open'], ['gpu2', 'closed']]);
    monitor.setBackends([{ name: 'gpu2', baseUrl: sim.url, models: ['m'] }]);
    expect(monitor.snapshot().map((s) => s.name)).toEqual(['gpu2']);
  });

  it('probes on its timer until stopped', async () => {
    const { monitor, clock } = await setup({ intervalMs: 20 });
    monitor.start();
    // Each round is real HTTP; the next one starts only when the test moves the clock a whole interval.
    for (let round = 1; round <= 3; round++) {
      await waitFor(() => monitor.rounds === round && clock.pending === 1);
      clock.advance(20);
    }
    await monitor.stop();
    expect(clock.pending).toBe(0); // no next round armed
    const after = monitor.rounds;
    clock.advance(1_000);
    await monitor.stop();
    expect(monitor.rounds).toBe(after);
  });
});
