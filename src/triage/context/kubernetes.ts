/**
 * The Kubernetes side of the diagnosis context, through the official client: the state of the
 * alert's pod and deployment (phase, conditions, container states and restarts, replica counts),
 * written from their structured fields only (never labels, annotations, env or specs, which can
 * hold anything), and the pod's recent log lines (`tailLines`, `limitBytes`; the previous
 * container's too when it is crash-looping). Reads only: get pods, pods/log and deployments.
 */
import { ApiException, AppsV1Api, CoreV1Api, type KubeConfig, type V1ContainerStatus, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { namespacePattern, objectNamePattern } from '../actions/actions.schema.js';
import type { SourceResult } from './source.js';

/** How much the Kubernetes source reads. */
export interface KubernetesSourceOptions {
  kubeConfig: KubeConfig;
  /** Log lines per container read (the API's tailLines). */
  logLines: number;
  /** Bytes of log per container read at most (the API's limitBytes). */
  logBytes: number;
}

/** Reads pod and deployment state and pod logs for an alert's namespace/pod/deployment labels. */
export class KubernetesSource {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  constructor(private readonly opts: KubernetesSourceOptions) {
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = opts.kubeConfig.makeApiClient(AppsV1Api);
  }

  /** Objects and logs for the labels (allow-listed ones); nothing when no namespace is named. */
  async read(labels: Record<string, string>): Promise<SourceResult> {
    const out: SourceResult = { objects: [], logs: [], notes: [] };
    const { namespace, pod, deployment } = labels;
    if (namespace === undefined || (pod === undefined && deployment === undefined)) return out;
    // Labels are sender-controlled: only Kubernetes names go into a request, and no error echoes one back.
    let container = labels.container;
    if (container !== undefined && !(objectNamePattern.test(container) && container.length <= 253)) {
      out.notes.push('Kubernetes: the container label is not a Kubernetes name; the logs of the pod\'s first container were read.');
      container = undefined;
    }
    const bad = [['namespace', namespace], ['pod', pod], ['deployment', deployment]]
      .filter(([k, v]) => v !== undefined && !(k === 'namespace' ? namespacePattern.test(v) && v.length <= 63 : objectNamePattern.test(v!) && v!.length <= 253));
    if (bad.length > 0) {
      out.notes.push(`Kubernetes: not read, the ${bad.map(([k]) => k).join(' and ')} label${bad.length > 1 ? 's are' : ' is'} not a Kubernetes name.`);
      return out;
    }
    if (deployment !== undefined) {
      try {
        out.objects.push(describeDeployment(await this.apps.readNamespacedDeployment({ name: deployment, namespace })));
      } catch (err) {
        out.notes.push(`Kubernetes: deployment ${namespace}/${deployment} could not be read (${statusOf(err)}).`);
      }
    }
    if (pod === undefined) return out;
    let object: V1Pod;
    try {
      object = await this.core.readNamespacedPod({ name: pod, namespace });
    } catch (err) {
      out.notes.push(`Kubernetes: pod ${namespace}/${pod} could not be read (${statusOf(err)}).`);
      return out;
    }
    out.objects.push(describePod(object));
    const statuses = object.status?.containerStatuses ?? [];
    const name = container ?? statuses[0]?.name ?? object.spec?.containers[0]?.name;
    if (name === undefined) return out;
    const looping = statuses.find((s) => s.name === name)?.state?.waiting?.reason === 'CrashLoopBackOff';
    for (const previous of looping ? [true, false] : [false]) {
      const what = `pod ${namespace}/${pod} container ${name}${previous ? ' (previous run)' : ''}`;
      try {
        const text = await this.core.readNamespacedPodLog({ name: pod, namespace, container: name, previous, tailLines: this.opts.logLines, limitBytes: this.opts.logBytes });
        out.logs.push({ source: what, lines: String(text).split('\n').filter((l) => l !== '') });
      } catch (err) {
        out.notes.push(`Kubernetes: logs of ${what} could not be read (${statusOf(err)}).`);
      }
    }
    return out;
  }
}

/** One line about a pod: phase, conditions, and each container's state and restarts. */
export function describePod(pod: V1Pod): string {
  const conditions = (pod.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ');
  const containers = (pod.status?.containerStatuses ?? []).map(describeContainer).join('; ');
  return `Pod ${pod.metadata?.namespace}/${pod.metadata?.name}: phase ${pod.status?.phase ?? 'unknown'}${pod.metadata?.deletionTimestamp ? ', terminating' : ''}; conditions ${conditions || 'none'}; containers: ${containers || 'none'}.`;
}

function describeContainer(c: V1ContainerStatus): string {
  const state = c.state?.waiting ? `waiting (${c.state.waiting.reason ?? 'no reason'})`
    : c.state?.terminated ? `terminated (${c.state.terminated.reason ?? 'no reason'}, exit ${c.state.terminated.exitCode})`
      : c.state?.running ? 'running' : 'unknown';
  const last = c.lastState?.terminated ? `, last ended ${c.lastState.terminated.reason ?? 'no reason'} exit ${c.lastState.terminated.exitCode}` : '';
  return `${c.name} ${state}, ready ${c.ready}, ${c.restartCount} restarts${last}`;
}

/** One line about a deployment: desired, updated, ready and available replicas, and its conditions. */
export function describeDeployment(d: V1Deployment): string {
  const s = d.status ?? {};
  const conditions = (s.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ');
  return `Deployment ${d.metadata?.namespace}/${d.metadata?.name}: ${d.spec?.replicas ?? 1} desired, ${s.updatedReplicas ?? 0} updated, ${s.readyReplicas ?? 0} ready, ${s.availableReplicas ?? 0} available${d.spec?.paused ? ', paused' : ''}; conditions ${conditions || 'none'}.`;
}

/** "HTTP 404" or the error's kind: an API message can quote anything, so none is kept. */
function statusOf(err: unknown): string {
  if (err instanceof ApiException) return `HTTP ${err.code}`;
  return err instanceof Error ? err.name : 'error';
}
