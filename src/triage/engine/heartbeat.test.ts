import { describe, expect, it } from 'vitest';
import { checkHeartbeat, HeartbeatWatch } from './heartbeat.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const min = 60_000;
const T0 = Date.parse('2026-11-20T08:00:00Z');

describe('checkHeartbeat', () => {
  const opts = { alertname: 'Watchdog', windowMinutes: 10, startedAt: T0 };

  it('is quiet within the window and escalates once it is exceeded', () => {
    expect(checkHeartbeat(opts, T0 + min, T0 + 11 * min)).toBeUndefined();
    const e = checkHeartbeat(opts, T0 + min, T0 + 12 * min);
    expect(e).toMatchObject({ alertname: 'Watchdog', lastSeen: T0 + min, missingForMs: 11 * min });
    expect(e?.reason).toBe('The Watchdog heartbeat has been missing for 11 minutes (window 10); the alerting pipeline may be broken.');
  });

  it('counts from the start when no heartbeat ever came', () => {
    expect(checkHeartbeat(opts, undefined, T0 + 10 * min)).toBeUndefined();
    expect(checkHeartbeat(opts, undefined, T0 + 15 * min)?.reason).toMatch(/^No Watchdog heartbeat has arrived in the 15 minutes since triage started/);
  });
});

describe('HeartbeatWatch', () => {
  it('reports an outage once, then its recovery once', () => {
    const clock = new ManualClock(T0);
    const watch = new HeartbeatWatch({ alertname: 'Watchdog', windowMinutes: 10, clock });
    watch.seen();
    clock.advance(5 * min);
    expect(watch.tick()).toBeUndefined();
    clock.advance(6 * min);
    expect(watch.tick()).toMatchObject({ kind: 'lost', escalation: { lastSeen: T0, missingForMs: 11 * min } });
    clock.advance(min);
    expect(watch.tick()).toBeUndefined();
    expect(watch.status()).toBeDefined();
    watch.seen();
    expect(watch.tick()).toEqual({ kind: 'recovered', at: T0 + 12 * min, missingForMs: 12 * min });
    expect(watch.tick()).toBeUndefined();
  });

  it('ignores an older heartbeat than the newest seen', () => {
    const clock = new ManualClock(T0);
    const watch = new HeartbeatWatch({ alertname: 'Watchdog', windowMinutes: 10, clock });
    watch.seen(T0 + 5 * min);
    watch.seen(T0 + 2 * min);
    expect(watch.last()).toBe(T0 + 5 * min);
  });
});
