/**
 * The executor interface: how a catalogue action is checked, run and verified against a real
 * system. Two exist: Kubernetes (kubernetes.ts, the official client) and local processes (local.ts,
 * for a single box and tests). The runner never talks to a system except through one of these.
 */
import type { ActionsSettings } from './actions.schema.js';
import type { ActionRequest } from './catalogue.js';
import type { Clock } from '../../platform/clock/clock.js';

/** A yes/no answer with a one-sentence why (shown with the action; never command output or secrets). */
export interface Check {
  ok: boolean;
  detail: string;
}

/** What an execution did, plus facts the executor's verification needs later (kept in the database). */
export interface Executed {
  detail: string;
  facts?: Record<string, string>;
}

/** Runs catalogue actions against one system. */
export interface ActionExecutor {
  /** "kubernetes" or "local", for reasons and logs. */
  readonly kind: string;
  /** Whether the action may run now (the target exists and still shows the condition). */
  precondition(req: ActionRequest): Promise<Check>;
  /** Runs the action; throws an Error with a readable message when it could not. */
  execute(req: ActionRequest): Promise<Executed>;
  /** Whether the fix holds, as the executor sees it (`facts` as execute returned them). */
  verify(req: ActionRequest, facts: Record<string, string>): Promise<Check>;
}

/**
 * The executor the policy's actions section names. The Kubernetes client is imported only here and
 * only when configured: it is large, and a local-executor box never loads it.
 */
export async function createExecutor(settings: ActionsSettings, clock?: Clock): Promise<ActionExecutor> {
  if (settings.executor === 'local') {
    const { LocalExecutor } = await import('./local.js');
    return new LocalExecutor({ targets: settings.local?.targets ?? {}, timeoutSeconds: settings.local?.timeoutSeconds ?? 60, clock });
  }
  const { KubernetesExecutor } = await import('./kubernetes.js');
  return new KubernetesExecutor({
    namespaces: settings.kubernetes?.namespaces ?? [], inCluster: settings.kubernetes?.inCluster, declaredReplicas: settings.declaredReplicas,
    ...(clock ? { now: () => clock.now() } : {}),
  });
}
