import { describe, expect, it } from 'vitest';
import { PassLocks } from './locks.js';

/** A promise the test settles by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Lets every queued continuation run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PassLocks', () => {
  it('runs passes over the same key one after another, in arrival order', async () => {
    const locks = new PassLocks();
    const log: string[] = [];
    const first = gate();
    const a = locks.withKeys(['alert:1'], async () => {
      log.push('a start');
      await first.opened;
      log.push('a end');
    });
    const b = locks.withKeys(['body:x', 'alert:1'], async () => void log.push('b'));
    await settle();
    expect(log).toEqual(['a start']);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs passes with no key in common side by side', async () => {
    const locks = new PassLocks();
    const first = gate();
    let bRan = false;
    const a = locks.withKeys(['alert:1', 'body:x'], () => first.opened);
    await locks.withKeys(['alert:2', 'body:y'], async () => void (bRan = true));
    expect(bRan).toBe(true);
    first.open();
    await a;
  });

  it('never deadlocks when two passes ask for the same keys in opposite orders', async () => {
    const locks = new PassLocks();
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => locks.withKeys(i % 2 ? ['x', 'y'] : ['y', 'x'], async () => {
      order.push(i);
      await settle();
    })));
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('runs exclusive work after the passes before it and before the passes after it', async () => {
    const locks = new PassLocks();
    const log: string[] = [];
    const slow = gate();
    const a = locks.withKeys(['alert:1'], async () => {
      await slow.opened;
      log.push('a');
    });
    const sweep = locks.exclusive(async () => void log.push('sweep'));
    const b = locks.withKeys(['alert:2'], async () => void log.push('b'));
    await settle();
    expect(log).toEqual([]);
    slow.open();
    await Promise.all([a, sweep, b]);
    expect(log).toEqual(['a', 'sweep', 'b']);
  });

  it('frees the keys of a pass that fails, and passes its error on', async () => {
    const locks = new PassLocks();
    await expect(locks.withKeys(['alert:1'], async () => {
      throw new Error('pass broke');
    })).rejects.toThrow('pass broke');
    await expect(locks.exclusive(async () => {
      throw new Error('sweep broke');
    })).rejects.toThrow('sweep broke');
    expect(await locks.withKeys(['alert:1'], async () => 'next')).toBe('next');
    await locks.idle();
  });
});
