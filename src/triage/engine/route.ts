import { diagnosisApplies } from '../diagnose/diagnosis.schema.js';
import { actionCatalogue, severityRank, type Policy } from '../policy/policy.schema.js';
import type { PlannedAction, Route } from '../types.js';
import type { Classification, NearMiss } from './classify.js';

/** A route with its reasons (short sentences, never annotation text) and the planned action. */
export interface Routing {
  route: Route;
  reasons: string[];
  action: PlannedAction | null;
}

/** Starts every flapping reason, so a later decision can tell that the episode was already notified. */
export const flappingPrefix = 'Flapping:';

/** Why a classification was made: the first reason of every decision about a classified alert. */
export function classReason(c: Classification, alertname: string): string {
  if (c.rule !== null) return `Matched rule ${c.rule.name} (${c.class}).`;
  const misses = c.nearMisses ?? [];
  if (misses.length === 0) return `No policy rule matches alertname "${quoteLabel(alertname)}"; unknown alerts always notify.`;
  // Say which label kept each rule that names the alert from matching: a typo in a rule reads differently from a new alert.
  const shown = misses.slice(0, maxNearMisses).map(nearMissClause);
  const more = misses.length > maxNearMisses ? `; and ${misses.length - maxNearMisses} more rules` : '';
  return `${shown.join('; ')}${more}; so no rule matches and unknown alerts always notify.`;
}

const maxNearMisses = 3;

/** "Rule X names this alert but not namespace "kube-system" (it wants "kona")". */
function nearMissClause(m: NearMiss, i: number): string {
  const got = m.value === undefined ? `an alert without a ${m.label} label` : `${m.label} "${quoteLabel(m.value)}"`;
  return `${i === 0 ? 'Rule' : 'rule'} ${m.rule} names this alert but not ${got} (it wants ${m.label} ${quoteLabel(m.wanted)})`;
}

/** The flapping reason: counted transitions and the window. */
export function flappingReason(transitions: number, windowMinutes: number): string {
  return `${flappingPrefix} ${transitions} firing/resolved changes within ${windowMinutes} minutes; not acted on.`;
}

/**
 * Routes a firing alert that is neither a duplicate nor flapping (pure): unknown → notify; serious →
 * notify, or diagnose when the rule asks for it and the diagnosis tier covers the alert (a diagnosis
 * never replaces the human: the escalator notifies for diagnose too); routine → the rule's route override, else notify at or
 * above the severity threshold, else act (enabled action) or record.
 */
export function routeFiring(policy: Policy, c: Classification, labels: Record<string, string>): Routing {
  const reasons = [classReason(c, labels.alertname ?? '')];
  const notify = (...why: string[]): Routing => ({ route: 'notify', reasons: [...reasons, ...why], action: null });
  if (c.rule === null) return notify();
  const rule = c.rule;
  if (rule.route === 'diagnose') {
    if (diagnosisApplies(policy.diagnosis, labels.alertname ?? '')) {
      return { route: 'diagnose', reasons: [...reasons, 'Sent to the diagnosis tier (scrubbed infrastructure data only); a human is notified too.'], action: null };
    }
    return notify('The diagnosis tier is off or does not cover this alert; notify instead.');
  }
  if (c.class === 'serious' || rule.route === 'notify') return notify();
  if (rule.route === 'record') return { route: 'record', reasons: [...reasons, 'The rule records it; nobody is paged.'], action: null };
  const over = overThreshold(policy, labels.severity ?? '');
  if (over !== null) return notify(over);
  if (rule.action === undefined) return { route: 'record', reasons: [...reasons, 'Routine, with nothing to do; recorded.'], action: null };
  if (!rule.action.enabled) return { route: 'record', reasons: [...reasons, `Action ${rule.action.name} is disabled by the policy; recorded.`], action: null };
  return planAction(policy, rule.action.name, labels, reasons);
}

/** Why a severity is at or above the threshold (or outside the known order), or null when below it. */
export function overThreshold(policy: Policy, severity: string): string | null {
  const rank = severityRank(severity);
  if (rank === undefined) return `Severity "${severity}" is not in the known order; treated as above the threshold, not acted on.`;
  if (rank >= (severityRank(policy.severityThreshold) ?? 0)) return `Severity ${severity} is at or above the threshold ${policy.severityThreshold}; not acted on.`;
  return null;
}

/** The act route with its planned action; notify when the labels do not name a target. */
function planAction(policy: Policy, name: keyof typeof actionCatalogue, labels: Record<string, string>, reasons: string[]): Routing {
  const needed = actionCatalogue[name].targetLabels;
  const missing = needed.filter((l) => (labels[l] ?? '') === '');
  if (missing.length > 0) {
    return { route: 'notify', reasons: [...reasons, `Action ${name} needs the labels ${needed.join(', ')} (missing ${missing.join(', ')}); notify instead.`], action: null };
  }
  const target = Object.fromEntries(needed.map((l) => [l, labels[l] ?? '']));
  const where = needed.map((l) => quoteLabel(target[l] ?? '')).join('/');
  // Act mode executes only through the actions section's executor (the action runner applies the
  // limits and preconditions); without that section even act mode only records.
  const execute = policy.mode === 'act' && policy.actions !== undefined;
  const why = policy.mode === 'observe'
    ? `Observe mode: ${name} on ${where} is recorded, not executed.`
    : execute
      ? `Act mode: ${name} on ${where} goes to the ${policy.actions?.executor ?? ''} executor, subject to its limits and preconditions.`
      : `Act mode, but the policy has no actions section (no executor): ${name} on ${where} is recorded, not executed.`;
  return { route: 'act', reasons: [...reasons, why], action: { name, target, execute } };
}

/** A label value fit for a reason: control characters removed and cut at 80 characters (labels are sender-controlled). */
export function quoteLabel(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it replaces
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 80 ? `${clean.slice(0, 79)}…` : clean;
}
