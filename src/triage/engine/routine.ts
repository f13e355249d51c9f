/**
 * Two guards on a routine alert's planned action, applied after the policy's routing:
 * - the restart budget (a rule's `action.budget`): at most N planned actions on one target within a
 *   window; beyond it a human is told instead. The target is the pod's owner for delete-pod (its
 *   replacement pods have new names) and the deployment otherwise. Each planned action is kept as a
 *   transition of a `restart-budget:` key in the state, so the count survives restarts of triage;
 * - recovery (a rule's `action.watchRecovery`, with a Prometheus to ask): when the alert's own value
 *   is already coming back, the action is held (record, nobody paged) and the alert is watched;
 *   the watch sweep acts once it stops improving.
 */
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

/** Holds an act routing while the value recovers (record, nobody paged); otherwise says what the metrics showed. */
export async function applyRecovery(check: RecoveryCheck | undefined, rule: PolicyRule | null, alert: WatchedAlert, routing: Routing): Promise<{ routing: Routing; watch: boolean }> {
  if (routing.route !== 'act' || check === undefined || rule?.action?.watchRecovery !== true) return { routing, watch: false };
  const trend = await check(alert).catch((err: Error): Trend => ({ state: 'unknown', detail: err.message.slice(0, 200) }));
  if (trend.state === 'improving') {
    return {
      watch: true,
      routing: { route: 'record', action: null, reasons: [routing.reasons[0] ?? '', `${recoveringPrefix} ${trend.detail}; watching, and acting only if it stops improving.`] },
    };
  }
  const why = trend.state === 'not-improving' ? `Not recovering on its own: ${trend.detail}.` : `Recovery could not be judged (${trend.detail}); acting as the rule says.`;
  return { watch: false, routing: { ...routing, reasons: [...routing.reasons, why] } };
}
