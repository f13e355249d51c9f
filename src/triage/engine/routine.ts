/**
 * Two guards on a routine alert's planned action, applied after the policy's routing:
 * - the restart budget (a rule's `action.budget`): at most N planned actions on one target within a
 *   window; beyond it a human is told instead. The target is the pod's owner for delete-pod (its
 *   replacement pods have new names) and the deployment otherwise. Each planned action is kept as a
 *   transition of a `restart-budget:` key in the state, so the count survives restarts of triage;
 * - recovery (a rule's `action.watchRecovery`, with a Prometheus to ask): when the alert's own value
 *   is already coming back, the action is held (record, nobody paged) and the alert is watched (a
 *   row in the state, so the watch survives restarts); the watch sweep acts once it stops improving.
 *   The decision waits on Prometheus for at most a short per-delivery wait (RecoveryWait): a check
 *   still out then holds the action as pending, and it is settled as soon as the check answers.
 */
import type { Clock, TimerHandle } from '../../platform/clock/clock.js';
import type { Trend } from '../context/trend.js';
import type { PolicyRule } from '../policy/policy.schema.js';
import type { TriageState } from '../types.js';
import { podOwner } from './owner.js';
import { quoteLabel, type Routing } from './route.js';

/** Reads whether an alert's value is recovering (context/trend.ts against Prometheus). */
export type RecoveryCheck = (alert: WatchedAlert) => Promise<Trend>;

/** What a recovery check needs about an alert. */
export interface WatchedAlert {
  labels: Record<string, string>;
  generatorURL: string;
}

/** Starts the reason of a held action; the watch sweep looks for it. */
export const recoveringPrefix = 'Recovering:';

/** Starts the reason of an action held because its recovery check has not answered yet. */
export const pendingPrefix = 'Recovery check pending:';

/** How long one delivery's decisions wait on recovery checks, all together, by default (ms). */
export const defaultRecoveryWaitMs = 200;

/**
 * One delivery's wait on recovery checks: the first check starts it on the triage clock, and the
 * checks of the delivery together wait at most `ms`, so a hung Prometheus delays a webhook by that
 * much, not by the context deadline per alert.
 */
export class RecoveryWait {
  private expired: Promise<'late'> | undefined;
  private timer: TimerHandle | undefined;

  constructor(private readonly clock: Clock, readonly ms: number) {}

  /** The check's trend, or 'late' once the delivery's wait is spent. */
  race(check: Promise<Trend>): Promise<Trend | 'late'> {
    this.expired ??= new Promise((resolve) => {
      this.timer = this.clock.setTimer(() => resolve('late'), this.ms);
    });
    return Promise.race([check, this.expired]);
  }

  /** Clears the timer (call when the delivery is decided). */
  close(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
  }
}

/** Starts the reason of an action the budget stopped. */
export const budgetPrefix = 'Restart budget:';

/** The state key a rule's planned actions on this target are counted under, or undefined when the rule has no budget. */
export function budgetKey(rule: PolicyRule | null, labels: Record<string, string>): string | undefined {
  const action = rule?.action;
  if (rule === null || action?.budget === undefined) return undefined;
  const target = action.name === 'delete-pod' ? (podOwner(labels) ?? labels.pod) : labels.deployment;
  return `restart-budget:${rule.name}:${labels.namespace ?? ''}/${target ?? ''}`;
}

/** The act routing, or notify when the target's budget is spent. */
export async function applyBudget(state: TriageState, rule: PolicyRule | null, labels: Record<string, string>, routing: Routing, now: number): Promise<Routing> {
  const key = budgetKey(rule, labels);
  const budget = rule?.action?.budget;
  if (routing.route !== 'act' || key === undefined || budget === undefined) return routing;
  const used = await state.countTransitions(key, now - budget.windowMinutes * 60_000);
  if (used < budget.restarts) return routing;
  const target = key.slice(key.indexOf(':', 'restart-budget:'.length) + 1);
  return {
    route: 'notify',
    reasons: [routing.reasons[0] ?? '', `${budgetPrefix} ${used} actions were already planned for ${quoteLabel(target)} within ${budget.windowMinutes} minutes (at most ${budget.restarts}); a human is told instead of acting again.`],
    action: routing.action ? { ...routing.action, execute: false } : null,
  };
}

/** Counts one planned action against the target's budget (call once the act decision is final). */
export async function spendBudget(state: TriageState, rule: PolicyRule | null, labels: Record<string, string>, now: number): Promise<void> {
  const key = budgetKey(rule, labels);
  if (key !== undefined) await state.addTransition(key, 'firing', now);
}

/** Whether this routing's action waits for a look at the metrics (an act routing of a rule that asks, with a Prometheus). */
export function wantsRecoveryCheck(check: RecoveryCheck | undefined, rule: PolicyRule | null, routing: Routing): check is RecoveryCheck {
  return routing.route === 'act' && check !== undefined && rule?.action?.watchRecovery === true;
}

/** Runs the check; a failure is an unknown trend. */
export function runRecoveryCheck(check: RecoveryCheck, alert: WatchedAlert): Promise<Trend> {
  return check(alert).catch((err: Error): Trend => ({ state: 'unknown', detail: err.message.slice(0, 200) }));
}

/**
 * The act routing held while the value recovers (record, nobody paged; `watch`), held as pending
 * when the check did not answer within the delivery's wait, or kept with what the metrics showed.
 */
export function recoveryRouting(outcome: Trend | 'late', routing: Routing, waitMs: number): { routing: Routing; watch?: 'watching' | 'pending' } {
  const first = routing.reasons[0] ?? '';
  if (outcome === 'late') {
    return { watch: 'pending', routing: { route: 'record', action: null, reasons: [first, `${pendingPrefix} Prometheus had not answered within ${waitMs} ms; the action is held until it does.`] } };
  }
  if (outcome.state === 'improving') {
    return { watch: 'watching', routing: { route: 'record', action: null, reasons: [first, `${recoveringPrefix} ${outcome.detail}; watching, and acting only if it stops improving.`] } };
  }
  return { routing: { ...routing, reasons: [...routing.reasons, notRecoveringReason(outcome)] } };
}

/** Why an action goes ahead after a look at the metrics. */
export function notRecoveringReason(trend: Trend): string {
  return trend.state === 'not-improving' ? `Not recovering on its own: ${trend.detail}.` : `Recovery could not be judged (${trend.detail}); acting as the rule says.`;
}
