/**
 * Locks for the engine's passes: a pass holds the keys of what it reads and writes (its alerts, see
 * engine/lock-keys.ts) and runs in parallel with passes over other keys; `exclusive` work (the
 * overdue sweep, which reads every firing alert) waits for the passes before it and holds back the
 * passes after it. Grants are first come, first served per key, and a pass's keys are all queued
 * at once, so two passes can never wait on each other (no deadlock).
 *
 * In-process: one `kona triage` owns its database (PGlite refuses a second process; on PostgreSQL
 * run one replica). Hand-written because it is this small and npm's lock packages lack the
 * exclusive mode over keyed locks.
 */
export class PassLocks {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<unknown>>();
  private barrier: Promise<void> = Promise.resolve();

  /** Runs fn once every key is free (and no exclusive work queued earlier is pending). */
  withKeys<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const barrier = this.barrier;
    const run = (async () => {
      await barrier;
      // Queue on every key in one synchronous step.
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      const before = [...new Set(keys)].map((key) => {
        const prev = this.tails.get(key) ?? Promise.resolve();
        const tail = prev.then(() => done);
        this.tails.set(key, tail);
        void tail.then(() => {
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        return prev;
      });
      try {
        await Promise.all(before);
        return await fn();
      } finally {
        release();
      }
    })();
    this.track(run);
    return run;
  }

  /** Runs fn after every pass and exclusive work started before it, with none running beside it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const earlier = [this.barrier, ...[...this.running].map((p) => p.then(() => {}, () => {}))];
    const run = Promise.all(earlier).then(fn);
    this.barrier = run.then(() => {}, () => {});
    this.track(run);
    return run;
  }

  /** Resolves once everything started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running].map((p) => p.catch(() => {})));
  }

  private track(run: Promise<unknown>): void {
    this.running.add(run);
    void run.then(() => this.running.delete(run), () => this.running.delete(run));
  }
}
