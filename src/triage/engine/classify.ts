import { isRegexMatcher, type Policy, type PolicyRule } from '../policy/policy.schema.js';
import type { AlertClass } from '../types.js';

/** The class an alert gets and the rule that gave it (null for unknown). */
export interface Classification {
  class: AlertClass;
  rule: PolicyRule | null;
}

/** Classifies an alert by the policy's rules: the first match wins; no match is `unknown`. */
export function classify(policy: Policy, labels: Record<string, string>): Classification {
  const rule = policy.rules.find((r) => ruleMatches(r, labels));
  return rule ? { class: rule.class, rule } : { class: 'unknown', rule: null };
}

/** True when every part of the rule's match holds for the labels (a missing label never matches). */
export function ruleMatches(rule: PolicyRule, labels: Record<string, string>): boolean {
  const { alertname, severity, labels: wanted } = rule.match;
  const name = labels.alertname ?? '';
  if (!(Array.isArray(alertname) ? alertname.includes(name) : alertname === name)) return false;
  if (severity !== undefined) {
    const s = labels.severity ?? '';
    if (!(Array.isArray(severity) ? (severity as string[]).includes(s) : severity === s)) return false;
  }
  for (const [label, matcher] of Object.entries(wanted ?? {})) {
    const value = labels[label];
    if (value === undefined || !valueMatches(matcher, value)) return false;
  }
  return true;
}

const compiled = new Map<string, RegExp>();

/** Exact match, or a whole-value match for "/regex/" (anchored, as Prometheus matchers are). */
function valueMatches(matcher: string, value: string): boolean {
  if (!isRegexMatcher(matcher)) return matcher === value;
  let re = compiled.get(matcher);
  if (!re) {
    re = new RegExp(`^(?:${matcher.slice(1, -1)})$`, 'u');
    compiled.set(matcher, re);
  }
  return re.test(value);
}
