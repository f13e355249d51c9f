/**
 * The Kubernetes executor: the official client (@kubernetes/client-node), in-cluster service
 * account or the default kubeconfig. It uses exactly the verbs deploy/triage-rbac.yaml grants:
 * get/patch deployments, get/patch deployments/scale, get/delete pods, and only in the namespaces
 * the policy lists. See catalogue.ts for what each action checks before and after.
 */
import { ApiException, AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { actionLabel, declaredReplicasAnnotation, restartedAtAnnotation, targetKey, type ActionRequest, type ActionTarget } from './catalogue.js';
import type { ActionExecutor, Check, Executed } from './executor.js';

/** How to build the Kubernetes executor. */
export interface KubernetesExecutorOptions {
  /** Acted-in namespaces; anything else is refused before a request is made. */
  namespaces: readonly string[];
  /** Policy-declared replicas by "namespace/deployment". */
  declaredReplicas?: Readonly<Record<string, number>>;
  /** A ready KubeConfig (tests point it at a fake API server); else in cluster or the default kubeconfig. */
  kubeConfig?: KubeConfig;
  /** Force in-cluster (true) or default kubeconfig (false); default: in cluster when KUBERNETES_SERVICE_HOST is set. */
  inCluster?: boolean;
  now?: () => number;
}

/** The KubeConfig for the service: the pod's service account in cluster, else ~/.kube/config or KUBECONFIG. */
export function loadKubeConfig(inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined): KubeConfig {
  const kc = new KubeConfig();
  if (inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  return kc;
}

/** Runs catalogue actions through the Kubernetes API. */
export class KubernetesExecutor implements ActionExecutor {
  readonly kind = 'kubernetes';
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;
  private readonly now: () => number;

  constructor(private readonly opts: KubernetesExecutorOptions) {
    const kc = opts.kubeConfig ?? loadKubeConfig(opts.inCluster);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.now = opts.now ?? Date.now;
  }

  /** See catalogue.ts for each action's preconditions. */
  async precondition(req: ActionRequest): Promise<Check> {
    const outside = this.outside(req.target);
    if (outside) return { ok: false, detail: outside };
    try {
      if (req.name === 'delete-pod') return podPrecondition(req.target, await this.readPod(req.target));
      const dep = await this.readDeployment(req.target);
      if (dep === undefined) return { ok: false, detail: `Deployment ${targetKey(req.target)} does not exist.` };
      if (req.name === 'restart-deployment') return restartPrecondition(req.target, dep);
      return this.scalePrecondition(req.target, dep);
    } catch (err) {
      return { ok: false, detail: `Could not read ${targetKey(req.target)} from the Kubernetes API: ${describeError(err)}` };
    }
  }

  /** Runs the action; throws with a readable message when the API refuses it. */
  async execute(req: ActionRequest): Promise<Executed> {
    const outside = this.outside(req.target);
    if (outside) throw new Error(outside);
    const { namespace, name } = req.target;
    try {
      if (req.name === 'restart-deployment') {
        // What `kubectl rollout restart` sends: a strategic merge patch of the pod template's annotation.
        const at = new Date(Math.floor(this.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
        const body = { spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: at } } } } };
        await this.apps.patchNamespacedDeployment({ name, namespace, body }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
        return { detail: `Rolling restart of deployment ${targetKey(req.target)} started (restartedAt ${at}).`, facts: { restartedAt: at } };
      }
      if (req.name === 'delete-pod') {
        const pod = await this.readPod(req.target);
        const uid = pod?.metadata?.uid;
        if (pod === undefined || uid === undefined) throw new Error(`Pod ${targetKey(req.target)} no longer exists.`);
        // The uid precondition makes the API refuse if another pod took the name since it was checked.
        await this.core.deleteNamespacedPod({ name, namespace, body: { preconditions: { uid } } });
        return { detail: `Pod ${targetKey(req.target)} (uid ${uid}) deleted.`, facts: { uid } };
      }
      const dep = await this.readDeployment(req.target);
      if (dep === undefined) throw new Error(`Deployment ${targetKey(req.target)} does not exist.`);
      const declared = this.declared(req.target, dep);
      if (typeof declared !== 'number') throw new Error(declared);
      await this.apps.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas: declared } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      return { detail: `Deployment ${targetKey(req.target)} scaled from ${dep.spec?.replicas ?? 1} to ${declared} replicas.`, facts: { declared: String(declared) } };
    } catch (err) {
      throw new Error(`${actionLabel(req)} failed: ${describeError(err)}`, { cause: err });
    }
  }

  /** See catalogue.ts for each action's check afterwards. */
  async verify(req: ActionRequest, facts: Record<string, string>): Promise<Check> {
    const key = targetKey(req.target);
    try {
      if (req.name === 'delete-pod') {
        const pod = await this.readPod(req.target);
        if (pod === undefined) return { ok: true, detail: `Pod ${key} is gone; its controller replaces it.` };
        if (pod.metadata?.uid === facts.uid) return { ok: false, detail: `Pod ${key} (uid ${facts.uid}) still exists.` };
        return isReady(pod) ? { ok: true, detail: `Pod ${key} was recreated and is ready.` } : { ok: false, detail: `Pod ${key} was recreated but is not ready.` };
      }
      const dep = await this.readDeployment(req.target);
      if (dep === undefined) return { ok: false, detail: `Deployment ${key} no longer exists.` };
      const want = req.name === 'scale-to-declared' ? Number(facts.declared) : (dep.spec?.replicas ?? 1);
      const s = dep.status ?? {};
      if ((dep.spec?.replicas ?? 1) !== want) return { ok: false, detail: `Deployment ${key} has ${dep.spec?.replicas ?? 1} replicas, not the declared ${want}.` };
      const done = (s.observedGeneration ?? 0) >= (dep.metadata?.generation ?? 0) && (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.replicas ?? 0) === want;
      return done
        ? { ok: true, detail: `Deployment ${key} has all ${want} replicas updated and available.` }
        : { ok: false, detail: `Deployment ${key}: ${s.availableReplicas ?? 0} of ${want} replicas available, ${s.updatedReplicas ?? 0} updated.` };
    } catch (err) {
      return { ok: false, detail: `Could not read ${key} from the Kubernetes API: ${describeError(err)}` };
    }
  }

  private outside(target: ActionTarget): string | undefined {
    return this.opts.namespaces.includes(target.namespace) ? undefined : `Namespace ${target.namespace} is not among the namespaces triage may act in (${this.opts.namespaces.join(', ')}).`;
  }

  private async readDeployment(t: ActionTarget): Promise<V1Deployment | undefined> {
    return orMissing(() => this.apps.readNamespacedDeployment({ name: t.name, namespace: t.namespace }));
  }

  private async readPod(t: ActionTarget): Promise<V1Pod | undefined> {
    return orMissing(() => this.core.readNamespacedPod({ name: t.name, namespace: t.namespace }));
  }

  /** The declared replicas (policy and annotation must agree when both exist), or why there are none. */
  private declared(t: ActionTarget, dep: V1Deployment): number | string {
    const fromPolicy = this.opts.declaredReplicas?.[targetKey(t)];
    const raw = dep.metadata?.annotations?.[declaredReplicasAnnotation];
    const fromAnnotation = raw !== undefined && /^[1-9][0-9]{0,3}$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
    if (raw !== undefined && fromAnnotation === undefined) return `Deployment ${targetKey(t)}'s annotation ${declaredReplicasAnnotation} is not a whole number from 1 to 9999.`;
    if (fromPolicy !== undefined && fromAnnotation !== undefined && fromPolicy !== fromAnnotation) {
      return `The policy declares ${fromPolicy} replicas for ${targetKey(t)} but its annotation says ${fromAnnotation}; not scaling.`;
    }
    return fromPolicy ?? fromAnnotation ?? `No declared replica count for ${targetKey(t)} (neither actions.declaredReplicas nor the annotation ${declaredReplicasAnnotation}).`;
  }

  private scalePrecondition(t: ActionTarget, dep: V1Deployment): Check {
    const declared = this.declared(t, dep);
    if (typeof declared !== 'number') return { ok: false, detail: declared };
    const current = dep.spec?.replicas ?? 1;
    if (current === declared) return { ok: false, detail: `Deployment ${targetKey(t)} already has its declared ${declared} replicas; scaling would change nothing.` };
    return { ok: true, detail: `Deployment ${targetKey(t)} has ${current} replicas; declared ${declared}.` };
  }
}

function restartPrecondition(t: ActionTarget, dep: V1Deployment): Check {
  const key = targetKey(t);
  const replicas = dep.spec?.replicas ?? 1;
  const s = dep.status ?? {};
  if (dep.spec?.paused === true) return { ok: false, detail: `Deployment ${key} is paused.` };
  if (replicas === 0) return { ok: false, detail: `Deployment ${key} is scaled to zero; there is nothing to restart.` };
  const rolling = (s.observedGeneration ?? 0) < (dep.metadata?.generation ?? 0) || (s.updatedReplicas ?? 0) < replicas || (s.replicas ?? 0) > replicas;
  if (rolling) return { ok: false, detail: `Deployment ${key} is already rolling out (${s.updatedReplicas ?? 0} of ${replicas} updated).` };
  return { ok: true, detail: `Deployment ${key} exists and is not rolling out (${s.availableReplicas ?? 0} of ${replicas} available).` };
}

function podPrecondition(t: ActionTarget, pod: V1Pod | undefined): Check {
  const key = targetKey(t);
  if (pod === undefined) return { ok: false, detail: `Pod ${key} no longer exists.` };
  if (pod.metadata?.deletionTimestamp !== undefined) return { ok: false, detail: `Pod ${key} is already terminating.` };
  if (!(pod.metadata?.ownerReferences ?? []).some((o) => o.controller === true)) {
    return { ok: false, detail: `Pod ${key} has no controller; deleting it would not bring it back.` };
  }
  const looping = (pod.status?.containerStatuses ?? []).find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
  if (looping) return { ok: true, detail: `Pod ${key}: container ${looping.name} is in CrashLoopBackOff (${looping.restartCount} restarts).` };
  if (!isReady(pod)) return { ok: true, detail: `Pod ${key} is not ready.` };
  return { ok: false, detail: `Pod ${key} is ready and not crash-looping; nothing to fix.` };
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The object, or undefined on 404. */
async function orMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw err;
  }
}

/** "HTTP 403: deployments.apps "web" is forbidden: …" from an API error, else the error's message. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = typeof err.body === 'string' ? safeJson(err.body) : err.body;
    const message = typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : '';
    return `HTTP ${err.code}${message ? `: ${message.slice(0, 300)}` : ''}`;
  }
  return err instanceof Error ? err.message.slice(0, 300) : String(err);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
