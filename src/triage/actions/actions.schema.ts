import { z } from 'zod';

/** A Kubernetes namespace name (DNS-1123 label). */
export const namespacePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes object name (DNS-1123 subdomain): deployments and pods. */
export const objectNamePattern = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const namespaceName = z.string().max(63, 'must be at most 63 characters').regex(namespacePattern, 'is not a Kubernetes namespace name');
/** True for "<namespace>/<name>" with Kubernetes names. */
function isTargetKey(k: string): boolean {
  const [ns, name, ...rest] = k.split('/');
  return rest.length === 0 && ns !== undefined && name !== undefined && namespacePattern.test(ns) && ns.length <= 63 && objectNamePattern.test(name) && name.length <= 253;
}

/** A record keyed by "<namespace>/<name>" (zod's own key errors say only "Invalid key in record"). */
function byTarget<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!isTargetKey(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'must be "<namespace>/<name>" with Kubernetes names' });
    }
  });
}
const nonEmpty = z.string().min(1, 'must not be empty');
/** A command as an argument vector: run without a shell, so nothing in it is interpreted. */
const argv = z.array(nonEmpty).min(1, 'must name the program to run');
const minutes = z.number().int('must be a whole number of minutes').positive('must be at least 1').max(7 * 24 * 60, 'must be at most a week');

const localTargetSchema = z.strictObject({
  restart: argv,
  status: argv.optional(),
  /** A systemd unit whose journal the diagnosis context reads (journalctl --unit). */
  unit: z.string().regex(/^[A-Za-z0-9:_.@\\-]+$/, 'must be a systemd unit name').optional(),
  /** An absolute path of a log file whose end the diagnosis context reads. */
  logFile: z.string().regex(/^\//, 'must be an absolute path').optional(),
});

/**
 * The policy's `actions` section: which executor runs the catalogue's actions, the limits, and where
 * verifications are read. Absent: nothing is ever executed (act mode still only records). Every key
 * is documented in deploy/triage-policy.example.yaml.
 */
export const actionsPolicySchema = z
  .strictObject({
    executor: z.enum(['kubernetes', 'local'], { error: 'must be kubernetes or local' }),
    kubernetes: z
      .strictObject({
        /** The only namespaces acted in; the RBAC manifest grants the same. */
        namespaces: z.array(namespaceName).min(1, 'must list at least one namespace'),
        /** Default: in cluster when KUBERNETES_SERVICE_HOST is set, else the default kubeconfig. */
        inCluster: z.boolean().optional(),
      })
      .optional(),
    local: z
      .strictObject({
        targets: byTarget(localTargetSchema),
        timeoutSeconds: z.number().int().positive('must be at least 1').max(600, 'must be at most 600').default(60),
      })
      .optional(),
    prometheusUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    perTargetMinutes: minutes.default(30),
    budgetPerHour: z.number().int('must be a whole number').min(0, 'must not be negative').max(1000).default(3),
    verifyAfterMinutes: minutes.default(5),
    checkIntervalSeconds: z.number().int().min(1, 'must be at least 1').max(3600, 'must be at most 3600').default(30),
    /** "<namespace>/<deployment>" → replicas; scale-to-declared's source besides the deployment's annotation. */
    declaredReplicas: byTarget(z.number().int('must be a whole number').min(1, 'must be at least 1 (scaling to zero is never a fix)').max(1000)).default({}),
  })
  .superRefine((a, ctx) => {
    if (a.executor === 'kubernetes' && a.kubernetes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['kubernetes'], message: 'is required when executor is kubernetes (list the namespaces to act in)' });
    }
    if (a.executor === 'local' && a.local === undefined) {
      ctx.addIssue({ code: 'custom', path: ['local'], message: 'is required when executor is local (list the targets and their commands)' });
    }
    // A fix must be verifiable: without Prometheus, the local executor's only witness is the status command.
    if (a.executor === 'local' && a.prometheusUrl === undefined) {
      for (const [key, t] of Object.entries(a.local?.targets ?? {})) {
        if (t.status === undefined) ctx.addIssue({ code: 'custom', path: ['local', 'targets', key, 'status'], message: 'is required when actions.prometheusUrl is not set (nothing else could verify the fix)' });
      }
    }
  })
  .optional();

/** The validated `actions` section. */
export type ActionsPolicy = z.output<typeof actionsPolicySchema>;

/** The `actions` section when it is present. */
export type ActionsSettings = NonNullable<ActionsPolicy>;

/** The rule-level `action.verify` object: what must hold, and when it is read. */
export const ruleVerifySchema = z.strictObject({
  query: nonEmpty.max(2000, 'must be at most 2000 characters').optional(),
  afterMinutes: minutes.optional(),
});

/** A validated rule-level `verify` object. */
export type RuleVerify = z.output<typeof ruleVerifySchema>;
