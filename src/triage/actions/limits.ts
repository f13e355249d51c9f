/**
 * The limits on acting, read from the actions table so they survive a restart:
 * - loop guard: a target (or alert fingerprint) whose action failed, or whose fix did not hold, is
 *   not acted on again until a human acknowledges it (that escalates instead);
 * - one at a time: nothing new for a target while its previous action awaits verification (told to
 *   a human when the new request comes from another alert, which that verification does not cover);
 * - per target: at most one executed action per target within `perTargetMinutes`;
 * - budget: at most `budgetPerHour` executed actions in any 60 minutes, across all targets.
 * Only executed actions (act mode, past the preconditions) count; planned and skipped rows do not.
 */
import type { ActionsDatabase } from './schema.js';

/** The limit settings (from the policy's actions section). */
export interface LimitSettings {
  perTargetMinutes: number;
  budgetPerHour: number;
}

/** Which limit stopped an action. */
export type LimitKind = 'failed-before' | 'pending' | 'per-target' | 'budget';

/** Whether an action may run; when not, why, and whether a human must hear of it. */
export type LimitVerdict = { allowed: true } | { allowed: false; kind: LimitKind; reason: string; escalate: boolean };

const hour = 60 * 60_000;

/** Checks the limits for one target against the recorded actions. */
export class ActionLimits {
  constructor(
    private readonly db: ActionsDatabase,
    private readonly settings: LimitSettings,
  ) {}

  /** The first limit that stops an action on `targetKey` for `fingerprint` at `now`, or allowed. */
  async check(targetKey: string, fingerprint: string, now: number): Promise<LimitVerdict> {
    const failed = await this.db
      .selectFrom('actions')
      .select(['id', 'name', 'status', 'target_key'])
      .where('status', 'in', ['failed', 'verify-failed'])
      .where('acknowledged_at', 'is', null)
      .where((eb) => eb.or([eb('target_key', '=', targetKey), eb('fingerprint', '=', fingerprint)]))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (failed) {
      const what = failed.status === 'failed' ? 'failed' : 'did not fix it';
      return { allowed: false, kind: 'failed-before', escalate: true, reason: `An earlier ${failed.name} on ${failed.target_key} (action ${failed.id}) ${what}; triage does not act on it again until a human acknowledges that action.` };
    }
    const pending = await this.db
      .selectFrom('actions')
      .select(['id', 'name', 'verify_at', 'fingerprint'])
      .where('status', '=', 'executed')
      .where('target_key', '=', targetKey)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (pending) {
      const due = pending.verify_at ? ` (due ${pending.verify_at.toISOString()})` : '';
      // The same alert waits for its own verification; another alert on the target is not covered by it, so a human hears of it.
      return { allowed: false, kind: 'pending', escalate: pending.fingerprint !== fingerprint, reason: `${pending.name} on ${targetKey} (action ${pending.id}) is awaiting verification${due}; its outcome decides what happens next.` };
    }
    const recent = await this.db
      .selectFrom('actions')
      .select(['id', 'executed_at'])
      .where('target_key', '=', targetKey)
      .where('executed_at', '>', new Date(now - this.settings.perTargetMinutes * 60_000))
      .orderBy('executed_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (recent?.executed_at) {
      const next = new Date(recent.executed_at.getTime() + this.settings.perTargetMinutes * 60_000);
      return { allowed: false, kind: 'per-target', escalate: true, reason: `${targetKey} was acted on at ${recent.executed_at.toISOString()} (action ${recent.id}); at most one action per target every ${this.settings.perTargetMinutes} minutes (next from ${next.toISOString()}).` };
    }
    const used = await this.executedSince(now - hour);
    if (used >= this.settings.budgetPerHour) {
      return { allowed: false, kind: 'budget', escalate: true, reason: `The budget of ${this.settings.budgetPerHour} action${this.settings.budgetPerHour === 1 ? '' : 's'} per hour is spent (${used} in the last 60 minutes).` };
    }
    return { allowed: true };
  }

  /** How many actions were executed after `since` (ms). */
  async executedSince(since: number): Promise<number> {
    const row = await this.db
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('executed_at', '>', new Date(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
