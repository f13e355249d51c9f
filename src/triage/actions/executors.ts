import type { Clock } from '../../platform/clock/clock.js';
import type { ActionsSettings } from './actions.schema.js';
import type { ActionExecutor } from './executor.js';

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
