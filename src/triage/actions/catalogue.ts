/**
 * The fixed catalogue of actions triage may take. Each names its target from the alert's labels,
 * has preconditions the executor checks right before acting, and a verification: the condition
 * that must hold `afterMinutes` later, read from Prometheus (a query that must return an empty
 * vector) or, without Prometheus, from the executor.
 *
 * - restart-deployment: a rolling restart, as `kubectl rollout restart` does it (the pod template's
 *   `kubectl.kubernetes.io/restartedAt` annotation is set to now). Preconditions: the deployment
 *   exists, has replicas, is not paused and is not already rolling out. Executor check afterwards:
 *   the rollout finished and every replica is available.
 * - delete-pod: deletes one crash-looping pod so its controller starts a fresh one. Preconditions:
 *   the pod exists, is not already terminating, is owned by a controller (a bare pod would be lost)
 *   and is crash-looping or not ready. The delete carries the checked pod's uid, so a pod recreated
 *   under the same name in between is never deleted by mistake. Executor check: that pod (by uid)
 *   is gone, or its same-named successor is ready.
 * - scale-to-declared: scales a deployment back to its declared replicas. "Declared" is what a
 *   reviewed source says, never the cluster's current state: `actions.declaredReplicas` in the
 *   policy and/or the deployment's annotation `kona.example/declared-replicas` (set by its manifest);
 *   when both are present they must agree, else nothing is done. Preconditions: the deployment
 *   exists, a declared count is known, and the deployment's replicas differ from it. Executor check:
 *   spec and available replicas equal the declared count.
 */
import { podOwner } from '../engine/owner.js';
import { actionCatalogue, type ActionName } from '../policy/policy.schema.js';
import { namespacePattern, objectNamePattern } from './actions.schema.js';

/** The annotation on a deployment that declares its replica count for scale-to-declared. */
export const declaredReplicasAnnotation = 'kona.example/declared-replicas';
/** The pod template annotation a rolling restart sets (as kubectl does). */
export const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';

/** What an action applies to. */
export interface ActionTarget {
  namespace: string;
  kind: 'deployment' | 'pod';
  name: string;
}

/** One action to check, run or verify. */
export interface ActionRequest {
  name: ActionName;
  target: ActionTarget;
}

/** What the catalogue says about each action. */
export const catalogue: Record<ActionName, { kind: ActionTarget['kind']; does: string }> = {
  'restart-deployment': { kind: 'deployment', does: 'rolling restart of deployment' },
  'delete-pod': { kind: 'pod', does: 'delete of pod' },
  'scale-to-declared': { kind: 'deployment', does: 'scale to declared replicas of deployment' },
};

/** True for a catalogue action's name. */
export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(actionCatalogue, name);
}

/** "namespace/name": the key the limits and the local executor's targets use. */
export function targetKey(target: ActionTarget): string {
  return `${target.namespace}/${target.name}`;
}

/**
 * The target of an action from an alert's labels (or a planned action's target), or why there is
 * none: a missing label, or a value that is not a Kubernetes name (labels are sender-controlled).
 */
export function targetFromLabels(name: ActionName, labels: Record<string, string>): { ok: true; target: ActionTarget } | { ok: false; reason: string } {
  const needed = actionCatalogue[name].targetLabels;
  const missing = needed.filter((l) => (labels[l] ?? '') === '');
  if (missing.length > 0) return { ok: false, reason: `${name} needs the label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the alert does not carry.` };
  const kind = catalogue[name].kind;
  const namespace = labels.namespace ?? '';
  const objectName = labels[kind] ?? '';
  if (namespace.length > 63 || !namespacePattern.test(namespace)) return { ok: false, reason: `${name}: the namespace label is not a Kubernetes namespace name.` };
  if (objectName.length > 253 || !objectNamePattern.test(objectName)) return { ok: false, reason: `${name}: the ${kind} label is not a Kubernetes object name.` };
  return { ok: true, target: { namespace, kind, name: objectName } };
}

/** A string as a PromQL double-quoted literal's content. */
export function promqlEscape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * A rule's verification query with `{{namespace}}`, `{{deployment}}`, `{{pod}}` and `{{alertname}}`
 * replaced by the target's values, escaped for use inside PromQL double quotes.
 */
export function renderQuery(template: string, alertname: string, target: ActionTarget): string {
  const values: Record<string, string> = { namespace: target.namespace, [target.kind]: target.name, alertname };
  return template.replace(/\{\{\s*(namespace|deployment|pod|alertname)\s*\}\}/g, (whole, key: string) => (values[key] === undefined ? whole : promqlEscape(values[key])));
}

/**
 * The default verification query: the alert itself must no longer be pending or firing in
 * Prometheus's ALERTS series for the target. For delete-pod the replacement pod has another name,
 * so the query matches every pod of the same owner (when the name says which); a replacement that
 * crash-loops again keeps the check failing.
 */
export function defaultVerifyQuery(alertname: string, target: ActionTarget): string {
  const matchers = [`alertname="${promqlEscape(alertname)}"`, `namespace="${promqlEscape(target.namespace)}"`];
  if (target.kind === 'deployment') matchers.push(`deployment="${promqlEscape(target.name)}"`);
  else {
    const owner = podOwner({ pod: target.name });
    matchers.push(owner === undefined ? `pod="${promqlEscape(target.name)}"` : `pod=~"${regexEscape(owner)}-.+"`);
  }
  return `ALERTS{${matchers.join(',')}}`;
}

/** A literal string inside a PromQL (RE2) regex in double quotes: regex metacharacters, then string escapes. */
function regexEscape(value: string): string {
  return promqlEscape(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** "delete-pod on kona/web-7d9f-abc" */
export function actionLabel(req: ActionRequest): string {
  return `${req.name} on ${targetKey(req.target)}`;
}
