import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import type { TriageSchema } from '../store/schema.js';
import { createTriageStore, type TriageStore } from '../store/store.js';
import { ActionLimits } from './limits.js';
import { ActionsLog, type NewAction } from './records.js';
import { withActionsTable, type ActionsDatabase } from './schema.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const min = 60_000;

function action(targetKey: string, at: number, over: Partial<NewAction> = {}): NewAction {
  const [namespace, pod] = targetKey.split('/');
  return {
    decisionId: `d-${at}`, fingerprint: `fp-${targetKey}`, alertname: 'KubePodCrashLooping', name: 'delete-pod', target: { namespace: namespace!, pod: pod! }, targetKey,
    mode: 'act', status: 'verified', reason: 'test', createdAt: at, executedAt: at, verifyAt: at + 5 * min, ...over,
  };
}

describe.each(engines)('action limits on %s', (engine) => {
  let store: TriageStore;
  let db: ActionsDatabase;
  let log: ActionsLog;
  const limits = () => new ActionLimits(db, { perTargetMinutes: 30, budgetPerHour: 3 });
  beforeAll(async () => {
    store = await createTriageStore(await createTestDatabase<TriageSchema>(engine));
    db = withActionsTable(store.db.kysely);
    log = new ActionsLog(db);
  });
  afterAll(async () => {
    await store.close();
  });
  beforeEach(async () => {
    await db.deleteFrom('actions').execute();
  });

  it('allows a first action, then at most one per target per window', async () => {
    expect(await limits().check('kona/a', 'fp-kona/a', T0)).toEqual({ allowed: true });
    await log.insert(action('kona/a', T0));
    const again = await limits().check('kona/a', 'fp-other', T0 + 29 * min);
    expect(again).toMatchObject({ allowed: false, kind: 'per-target', escalate: true });
    expect(again.allowed === false && again.reason).toMatch(/^kona\/a was acted on at 2026-11-25T12:00:00\.000Z .*every 30 minutes \(next from 2026-11-25T12:30:00\.000Z\)\.$/);
    expect(await limits().check('kona/a', 'fp-other', T0 + 30 * min)).toEqual({ allowed: true });
    expect(await limits().check('kona/b', 'fp-b', T0 + 1 * min)).toEqual({ allowed: true });
  });

  it('spends a global budget per hour across targets; planned and skipped rows do not count', async () => {
    await log.insert(action('kona/a', T0));
    await log.insert(action('kona/b', T0 + 10 * min));
    await log.insert({ ...action('kona/x', T0 + 11 * min), status: 'planned', mode: 'observe', executedAt: undefined, verifyAt: undefined });
    await log.insert({ ...action('kona/y', T0 + 12 * min), status: 'skipped', executedAt: undefined, verifyAt: undefined });
    expect(await limits().check('kona/c', 'fp-c', T0 + 20 * min)).toEqual({ allowed: true });
    await log.insert(action('kona/c', T0 + 20 * min));
    const spent = await limits().check('kona/d', 'fp-d', T0 + 30 * min);
    expect(spent).toMatchObject({ allowed: false, kind: 'budget', escalate: true, reason: 'The budget of 3 actions per hour is spent (3 in the last 60 minutes).' });
    // The first one leaves the 60-minute window: one is free again.
    expect(await limits().check('kona/d', 'fp-d', T0 + 60 * min)).toEqual({ allowed: true });
    expect(await new ActionLimits(db, { perTargetMinutes: 30, budgetPerHour: 0 }).check('kona/z', 'fp-z', T0)).toMatchObject({ allowed: false, kind: 'budget' });
  });

  it('never repeats after a failed verification or a failed execution, by target or fingerprint, until acknowledged', async () => {
    const failed = await log.insert(action('kona/a', T0, { status: 'verify-failed' }));
    const days = T0 + 3 * 24 * 60 * min;
    expect(await limits().check('kona/a', 'fp-new', days)).toMatchObject({ allowed: false, kind: 'failed-before', escalate: true, reason: expect.stringMatching(/did not fix it; .* until a human acknowledges/) });
    // A renamed target of the same alert (same fingerprint) is held too.
    expect(await limits().check('kona/a2', 'fp-kona/a', days)).toMatchObject({ allowed: false, kind: 'failed-before' });
    expect(await log.acknowledge(failed.id, days)).toBe(1);
    expect(await limits().check('kona/a', 'fp-new', days)).toEqual({ allowed: true });
    await log.insert(action('kona/b', days, { status: 'failed' }));
    expect(await limits().check('kona/b', 'fp-b', days + 90 * min)).toMatchObject({ allowed: false, kind: 'failed-before', reason: expect.stringMatching(/ failed; /) });
  });

  it('holds a target while its previous action awaits verification; escalates only for another alert', async () => {
    await log.insert(action('kona/a', T0, { status: 'executed' }));
    // Even past the per-target window: the outcome of the pending one decides.
    expect(await limits().check('kona/a', 'fp-kona/a', T0 + 45 * min)).toMatchObject({
      allowed: false, kind: 'pending', escalate: false, reason: expect.stringMatching(/awaiting verification \(due 2026-11-25T12:05:00\.000Z\)/),
    });
    expect(await limits().check('kona/a', 'fp-another-alert', T0 + 1 * min)).toMatchObject({ allowed: false, kind: 'pending', escalate: true });
  });
});
