import { isRegexMatcher, type Policy, type PolicyRule } from '../policy/policy.schema.js';
import type { AlertClass } from '../types.js';

/** The first part of a rule's match an alert fails: the label, the alert's value (undefined: absent) and what the rule wants. */
export interface Mismatch {
  label: string;
  value: string | undefined;
  wanted: string;
}

/** A rule that names the alert's alertname but not the rest of its labels. */
export interface NearMiss extends Mismatch {
  rule: string;
}

/** The class an alert gets and the rule that gave it (null for unknown). */
export interface Classification {
  class: AlertClass;
  rule: PolicyRule | null;
  /** For an unknown alert: the rules that name its alertname but whose other matchers fail, in policy order. */
  nearMisses?: NearMiss[];
}

/** Classifies an alert by the policy's rules: the first match wins; no match is `unknown`. */
export function classify(policy: Policy, labels: Record<string, string>): Classification {
  const nearMisses: NearMiss[] = [];
  for (const rule of policy.rules) {
    const miss = ruleMismatch(rule, labels);
    if (miss === undefined) return { class: rule.class, rule };
    if (miss.label !== 'alertname') nearMisses.push({ rule: rule.name, ...miss });
  }
  return nearMisses.length > 0 ? { class: 'unknown', rule: null, nearMisses } : { class: 'unknown', rule: null };
}

/** True when every part of the rule's match holds for the labels (a missing label never matches). */
export function ruleMatches(rule: PolicyRule, labels: Record<string, string>): boolean {
  return ruleMismatch(rule, labels) === undefined;
}

/** The first part of the rule's match (alertname, then severity, then labels) that the labels fail, if any. */
export function ruleMismatch(rule: PolicyRule, labels: Record<string, string>): Mismatch | undefined {
  const { alertname, severity, labels: wanted } = rule.match;
  const name = labels.alertname;
  if (!(Array.isArray(alertname) ? alertname.includes(name ?? '') : alertname === (name ?? ''))) {
    return { label: 'alertname', value: name, wanted: describeWanted(alertname) };
  }
  if (severity !== undefined) {
    const s = labels.severity;
    if (!(Array.isArray(severity) ? (severity as string[]).includes(s ?? '') : severity === (s ?? ''))) {
      return { label: 'severity', value: s, wanted: describeWanted(severity) };
    }
  }
  for (const [label, matcher] of Object.entries(wanted ?? {})) {
    const value = labels[label];
    if (value === undefined || !valueMatches(matcher, value)) return { label, value, wanted: describeWanted(matcher) };
  }
  return undefined;
}

function describeWanted(matcher: string | readonly string[]): string {
  return Array.isArray(matcher) ? matcher.map((m) => `"${m}"`).join(' or ') : `"${matcher as string}"`;
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
