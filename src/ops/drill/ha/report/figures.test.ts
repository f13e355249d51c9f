import { describe, expect, it } from 'vitest';
import type { HistoryEntry, RunEvent, WriteOutcome } from '../run.js';
import { computeFigures, detectSeconds, percentile, p99MsDuringDrill, recoverSeconds, writeGapMarks, writeUnavailableSeconds } from './figures.js';

let n = 0;
/** One write from `startT` to `endT`. */
function w(startT: number, endT: number, outcome: WriteOutcome = 'ok'): HistoryEntry {
  n += 1;
  return { id: `w${n}`, tenant: 'a', kind: 'application', startT, endT, outcome };
}

/** A write every 0.5 s lasting 0.1 s over [from, to), all with `outcome`. */
function steady(from: number, to: number, outcome: WriteOutcome = 'ok'): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (let t = from; t < to - 1e-9; t += 0.5) out.push(w(t, t + 0.1, outcome));
  return out;
}

const fault: RunEvent = { t: 10, kind: 'fault', detail: 'SIGKILL the primary' };
const promoted: RunEvent = { t: 14, kind: 'primary', detail: 'pg2 promoted' };
const heal: RunEvent = { t: 30, kind: 'heal', detail: 'pg1 restarted' };

// A primary kill: ok until 10, failures from 10.5 to 15.5 (one indeterminate), ok again from 16.
const killed = [...steady(0, 10), w(10.2, 10.4, 'indeterminate'), ...steady(10.5, 16, 'fail'), ...steady(16, 30)];

describe('drill figures', () => {
  it('write unavailability is the longest span from the fault with attempts and no ok write', () => {
    // The fault is at 10; the first write after it starts at 10.2; the next ok ends at 16.1.
    expect(writeUnavailableSeconds(killed, [fault, promoted, heal])).toBeCloseTo(5.9);
    // Writes kept succeeding through the fault: only one write's latency remains.
    expect(writeUnavailableSeconds(steady(0, 30), [fault])).toBeCloseTo(0.1);
  });

  it('a pause in the load is not unavailability, and no ok after the fault runs to the last attempt', () => {
    const paused = [...steady(0, 10), ...steady(40, 42)];
    expect(writeUnavailableSeconds(paused, [fault])).toBeCloseTo(0.1);
    const neverBack = [...steady(0, 10), ...steady(10, 20, 'fail')];
    expect(writeUnavailableSeconds(neverBack, [fault])).toBeCloseTo(19.6 - 10);
    // A write in flight when the fault hit counts from the fault.
    expect(writeUnavailableSeconds([w(9, 9.1), w(9.8, 13)], [fault])).toBeCloseTo(3);
  });

  it('without a fault there is nothing to time', () => {
    expect(writeUnavailableSeconds(killed, [])).toBeNull();
    expect(detectSeconds(killed, [])).toBeNull();
    expect(recoverSeconds(killed, [])).toBeNull();
    expect(writeGapMarks(killed, [])).toBeNull();
    expect(p99MsDuringDrill(killed, [])).toBeNull();
  });

  it('detect is the first failing write or promotion after the fault, whichever came first', () => {
    expect(detectSeconds(killed, [fault, promoted])).toBeCloseTo(0.4);
    const clean = steady(0, 30);
    expect(detectSeconds(clean, [fault, promoted])).toBeCloseTo(4);
    expect(detectSeconds(clean, [fault])).toBeNull();
  });

  it('recover is the first ok write started after the outage was seen, not one in flight at the fault', () => {
    const inFlight = [...steady(0, 9.5), w(9.9, 10.05), ...steady(10.5, 16, 'fail'), ...steady(16, 20)];
    expect(recoverSeconds(inFlight, [fault])).toBeCloseTo(6.1);
    expect(recoverSeconds(killed, [fault, promoted])).toBeCloseTo(6.1);
    expect(recoverSeconds([...steady(0, 10), ...steady(10, 20, 'fail')], [fault])).toBeNull();
  });

  it('the write gap runs from the last ok commit at the promotion to the first after it', () => {
    expect(writeGapMarks(killed, [fault, promoted])).toEqual({ lastOldT: expect.closeTo(9.6, 5), firstNewT: expect.closeTo(16.1, 5) });
    expect(writeGapMarks(killed, [fault])).toBeNull();
    // A promotion seen before the fault belongs to an earlier drill step, not this one.
    expect(writeGapMarks(killed, [{ ...promoted, t: 5 }, fault])).toBeNull();
  });

  it('p99 is over the writes started between the fault and the heal, nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([], 99)).toBeNull();
    const slow = [...steady(0, 10), w(11, 15), ...steady(12, 20), w(35, 100)];
    // 17 writes in the window: the nearest-rank p99 is the slowest of them (4 s), not the one after the heal.
    expect(p99MsDuringDrill(slow, [fault, { ...heal, t: 20 }])).toBeCloseTo(4000);
  });

  it('computeFigures fills every figure from the history and the checker', () => {
    const { figures, writeGap } = computeFigures({ history: killed, events: [fault, promoted, heal], check: { lost: ['x1', 'x2'] } });
    expect(figures).toEqual({
      writeUnavailableSeconds: expect.closeTo(5.9, 5), acknowledgedLost: 2, indeterminate: 1, detectSeconds: expect.closeTo(0.4, 5),
      recoverSeconds: expect.closeTo(6.1, 5), p99MsDuringDrill: expect.closeTo(200, 5), writeGapSeconds: expect.closeTo(6.5, 5),
    });
    expect(writeGap?.lastOldT).toBeCloseTo(9.6);
  });
});
