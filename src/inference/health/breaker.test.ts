import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerTransition } from './breaker.js';

function setup(opts = { failureThreshold: 3, baseCooldownMs: 100, maxCooldownMs: 350 }) {
  let t = 0;
  const log: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(() => t, opts, (tr) => log.push(tr));
  return { breaker, log, advance: (ms: number) => { t += ms; }, path: () => log.map((l) => `${l.from}>${l.to}:${l.cause}`) };
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive request failures; a success in between resets the count', () => {
    const { breaker, path } = setup();
    breaker.recordFailure('error');
    breaker.recordFailure('timeout');
    breaker.recordSuccess();
    breaker.recordFailure('stall');
    breaker.recordFailure('error');
    expect(breaker.state).toBe('closed');
    expect(breaker.available()).toBe(true);
    breaker.recordFailure('timeout');
    expect(breaker.state).toBe('open');
    expect(breaker.available()).toBe(false);
    expect(path()).toEqual(['closed>open:timeout']);
  });

  it('gives a half-open trial back when its request proved nothing, and only then', () => {
    const { breaker, advance } = setup();
    breaker.recordFailure('probe');
    advance(100);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.available()).toBe(false);
    breaker.releaseTrial();
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true); // the next request is the trial
    breaker.recordSuccess();
    breaker.releaseTrial(); // closed: nothing to give back, nothing changes
    expect(breaker.state).toBe('closed');
  });

  it('opens at once on a failed probe', () => {
    const { breaker, log } = setup();
    breaker.recordFailure('probe');
    expect(breaker.state).toBe('open');
    expect(log[0]).toMatchObject({ from: 'closed', to: 'open', cause: 'probe', cooldownMs: 100, at: 0 });
  });

  it('goes half-open after the cooldown, allows one trial, and closes on success', () => {
    const { breaker, advance, path } = setup();
    breaker.recordFailure('probe');
    advance(99);
    expect(breaker.state).toBe('open');
    advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.available()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.available()).toBe(false); // the one trial is out
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(path()).toEqual(['closed>open:probe', 'open>half-open:cooldown', 'half-open>closed:success']);
  });

  it('re-opens from half-open on failure with a cooldown that doubles up to the cap', () => {
    const { breaker, advance, log } = setup();
    breaker.recordFailure('probe');
    const cooldowns = [100];
    for (let i = 0; i < 3; i++) {
      advance(cooldowns.at(-1)! - 1);
      expect(breaker.state).toBe('open'); // not a millisecond early
      advance(1);
      expect(breaker.state).toBe('half-open');
      breaker.recordFailure('timeout'); // one failure suffices in half-open
      expect(breaker.state).toBe('open');
      cooldowns.push(log.at(-1)!.cooldownMs!);
    }
    expect(cooldowns).toEqual([100, 200, 350, 350]);
  });

  it('resets the cooldown after recovery', () => {
    const { breaker, advance, log } = setup();
    breaker.recordFailure('probe');
    advance(100);
    breaker.recordFailure('probe'); // re-open: 200
    advance(200);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure('probe');
    expect(log.at(-1)).toMatchObject({ to: 'open', cooldownMs: 100 });
  });

  it('ignores late results while open', () => {
    const { breaker, advance, log } = setup();
    breaker.recordFailure('probe');
    advance(50);
    breaker.recordSuccess();
    breaker.recordFailure('error');
    expect(breaker.state).toBe('open');
    expect(log).toHaveLength(1);
    advance(50); // the cooldown was not extended by the late failure
    expect(breaker.state).toBe('half-open');
  });
});
