import { z } from 'zod';
import { actionsPolicySchema, ruleVerifySchema } from '../actions/actions.schema.js';
import { advisorPolicySchema, diagnosisPolicySchema } from '../diagnose/diagnosis.schema.js';
import { escalationPolicySchema } from '../escalate/escalation.schema.js';

/**
 * Severities in increasing order. kube-prometheus uses none (Watchdog), info, warning and critical;
 * `page` is there for rules that page a human directly. The order is what the threshold compares.
 */
export const severityOrder = ['none', 'info', 'warning', 'critical', 'page'] as const;

/** One severity of `severityOrder`. */
export type Severity = (typeof severityOrder)[number];

/**
 * The only actions triage may ever take, with the alert labels each needs to name its target; what
 * each does, its preconditions and its verification are in actions/catalogue.ts. A policy naming
 * anything else is refused.
 */
export const actionCatalogue = {
  'restart-deployment': { targetLabels: ['namespace', 'deployment'] },
  'delete-pod': { targetLabels: ['namespace', 'pod'] },
  'scale-to-declared': { targetLabels: ['namespace', 'deployment'] },
} as const satisfies Record<string, { targetLabels: readonly string[] }>;

/** A catalogue action's name. */
export type ActionName = keyof typeof actionCatalogue;

const actionNames = Object.keys(actionCatalogue) as [ActionName, ...ActionName[]];

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');
const minutes = z.number().int('must be a whole number of minutes').positive('must be at least 1').max(7 * 24 * 60, 'must be at most a week');
const nonEmpty = z.string().min(1, 'must not be empty');
const oneOrMany = z.union([nonEmpty, z.array(nonEmpty).min(1, 'must list at least one name')]);

/** "/regex/" in a label matcher; the pattern must compile. */
const labelMatcher = nonEmpty.refine((v) => {
  if (!isRegexMatcher(v)) return true;
  try {
    new RegExp(v.slice(1, -1), 'u');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

const matchSchema = z.strictObject({
  alertname: oneOrMany,
  severity: z.union([z.enum(severityOrder), z.array(z.enum(severityOrder)).min(1)]).optional(),
  labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'is not a Prometheus label name'), labelMatcher).optional(),
});

const actionSchema = z.strictObject({
  name: z.enum(actionNames, { error: `must be one of the catalogue's actions: ${actionNames.join(', ')}` }),
  enabled: z.boolean(),
  /** When and how the fix is checked (see actions/catalogue.ts for the default check). */
  verify: ruleVerifySchema.optional(),
  /**
   * The restart budget of one target (a pod's owner workload, or the deployment): at most `restarts`
   * planned actions within `windowMinutes`; beyond it the alert is notified instead of acted on.
   */
  budget: z.strictObject({
    restarts: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100'),
    windowMinutes: minutes,
  }).optional(),
  /**
   * While the alert's own value is coming back in Prometheus, record and watch instead of acting;
   * act only once it stops improving (needs a Prometheus URL; without one it has no effect).
   */
  watchRecovery: z.boolean().default(true),
});

const ruleSchema = z
  .strictObject({
    name,
    match: matchSchema,
    class: z.enum(['routine', 'serious']),
    route: z.enum(['record', 'notify', 'diagnose']).optional(),
    action: actionSchema.optional(),
    runbook: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    note: z.string().optional(),
    /** A routine condition expected to end by itself (a probe blip): still firing after this long, it is notified. */
    resolveWithinMinutes: minutes.optional(),
  })
  .superRefine((rule, ctx) => {
    // A serious condition always reaches a human, and triage acts only on routine ones.
    if (rule.class === 'serious' && rule.action !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: 'actions are allowed on routine rules only' });
    }
    if (rule.class === 'serious' && rule.resolveWithinMinutes !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['resolveWithinMinutes'], message: 'only routine rules expect an alert to resolve by itself; a serious one is notified at once' });
    }
    if (rule.class === 'serious' && rule.route === 'record') {
      ctx.addIssue({ code: 'custom', path: ['route'], message: 'a serious rule must notify or diagnose, never only record' });
    }
    if (rule.action?.enabled === true && rule.route !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['route'], message: 'a rule with an enabled action routes to act; remove route or disable the action' });
    }
  });

/** The triage policy file's schema; every key is documented in deploy/triage-policy.example.yaml. */
export const policySchema = z
  .strictObject({
    mode: z.enum(['observe', 'act']).default('observe'),
    severityThreshold: z.enum(severityOrder).default('critical'),
    heartbeat: z
      .strictObject({ alertname: nonEmpty.default('Watchdog'), windowMinutes: minutes.default(10) })
      .default({ alertname: 'Watchdog', windowMinutes: 10 }),
    flapping: z
      .strictObject({ transitions: z.number().int().min(2, 'must be at least 2').default(4), windowMinutes: minutes.default(60) })
      .default({ transitions: 4, windowMinutes: 60 }),
    duplicates: z.strictObject({ resendWindowMinutes: minutes.default(10) }).default({ resendWindowMinutes: 10 }),
    rules: z.array(ruleSchema).superRefine(uniqueNames, { when: () => true }).default([]),
    actions: actionsPolicySchema,
    escalation: escalationPolicySchema,
    diagnosis: diagnosisPolicySchema,
    advisor: advisorPolicySchema,
  })
  .superRefine(actionsFitRules);

/** Cross-section checks: a rule's verification query needs Prometheus; the local executor cannot scale. */
function actionsFitRules(policy: { rules: z.output<typeof ruleSchema>[]; actions?: z.output<typeof actionsPolicySchema> }, ctx: z.core.$RefinementCtx<unknown>): void {
  policy.rules.forEach((rule, i) => {
    if (rule.action?.verify?.query !== undefined && policy.actions?.prometheusUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'action', 'verify', 'query'], message: 'needs actions.prometheusUrl to be read' });
    }
    if (rule.action?.enabled === true && rule.action.name === 'scale-to-declared' && policy.actions?.executor === 'local') {
      ctx.addIssue({ code: 'custom', path: ['rules', i, 'action', 'name'], message: 'the local executor cannot scale; use the kubernetes executor or disable the action' });
    }
  });
}

/** Adds an issue for each rule that repeats an earlier rule's name (runs even when other rules are invalid). */
function uniqueNames(rules: unknown[], ctx: z.core.$RefinementCtx<unknown[]>): void {
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const ruleName = (rule as { name?: unknown } | null)?.name;
    if (typeof ruleName !== 'string') return;
    const first = seen.get(ruleName);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${ruleName}" is already the name of rules[${first}]` });
    else seen.set(ruleName, i);
  });
}

/** A validated triage policy. */
export type Policy = z.output<typeof policySchema>;

/** One rule of a validated policy. */
export type PolicyRule = Policy['rules'][number];

/** True when a label matcher is written as a regular expression ("/…/"). */
export function isRegexMatcher(value: string): boolean {
  return value.length >= 2 && value.startsWith('/') && value.endsWith('/');
}

/** The rank of a severity label in `severityOrder`, or undefined for a value outside it. */
export function severityRank(severity: string): number | undefined {
  const i = (severityOrder as readonly string[]).indexOf(severity);
  return i < 0 ? undefined : i;
}
