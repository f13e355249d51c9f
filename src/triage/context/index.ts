/**
 * The context module's face for the service: from the KONA_TRIAGE_* settings and the policy, the
 * gatherer the diagnosis tier uses and the recovery check the engine uses. The Kubernetes client is
 * loaded only when a Kubernetes source is configured (it is large; a single box never loads it).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../../platform/clock/clock.js';
import type { RecoveryCheck } from '../engine/routine.js';
import type { Policy } from '../policy/policy.schema.js';
import { ContextGatherer, type ObjectSource } from './gather.js';
import { LocalSource } from './local.js';
import { exprFromGeneratorUrl } from './promql.js';
import { readTrend } from './trend.js';

export { ContextGatherer, type GatheredContext } from './gather.js';

/** The context settings (README: KONA_TRIAGE_PROMETHEUS_URL, KONA_TRIAGE_CONTEXT_*, KONA_TRIAGE_KUBERNETES). */
export interface ContextSettings {
  prometheusUrl?: string;
  windowMinutes: number;
  timeoutSeconds: number;
  logLines: number;
  maxChars: number;
  kubernetes: 'auto' | 'off' | 'in-cluster' | 'kubeconfig';
  /** A ready KubeConfig (tests: a fake API server); set, it is used whatever `kubernetes` says. */
  kubeConfig?: KubeConfig;
  /** The journalctl program (tests). */
  journalctl?: string;
}

/** The defaults of the settings. */
export const defaultContextSettings: ContextSettings = { windowMinutes: 30, timeoutSeconds: 5, logLines: 50, maxChars: 3000, kubernetes: 'auto' };

/** The gatherer and the recovery check (undefined without a Prometheus to ask). */
export async function buildContext(settings: ContextSettings, policy: Policy, clock: Clock, env: Record<string, string | undefined> = process.env): Promise<{ gatherer: ContextGatherer; recovery?: RecoveryCheck }> {
  const prometheusUrl = settings.prometheusUrl ?? policy.actions?.prometheusUrl;
  const logBytes = settings.maxChars * 4;
  const sources: ObjectSource[] = [];
  const kubeConfig = settings.kubeConfig ?? (await kubeConfigFor(settings.kubernetes, env));
  if (kubeConfig !== undefined) {
    const { KubernetesSource } = await import('./kubernetes.js');
    const k8s = new KubernetesSource({ kubeConfig, logLines: settings.logLines, logBytes });
    sources.push({ read: (labels) => k8s.read(labels) });
  }
  const targets = policy.actions?.local?.targets ?? {};
  if (Object.keys(targets).length > 0) sources.push(new LocalSource({ targets, logLines: settings.logLines, logBytes, journalctl: settings.journalctl }));
  const timeoutMs = settings.timeoutSeconds * 1000;
  const gatherer = new ContextGatherer({ clock, prometheusUrl, windowMinutes: settings.windowMinutes, timeoutMs, maxCharsPerPiece: settings.maxChars, sources });
  if (prometheusUrl === undefined) return { gatherer };
  const recovery: RecoveryCheck = async (alert) => {
    const expr = exprFromGeneratorUrl(alert.generatorURL);
    if (expr === undefined) return { state: 'unknown', detail: 'the alert carries no expression (generatorURL)' };
    const controller = new AbortController();
    const timer = clock.setTimer(() => controller.abort(new Error(`Prometheus gave no answer within ${settings.timeoutSeconds} s`)), timeoutMs);
    try {
      // Two-minute steps at most: the last few samples must be recent.
      const stepSeconds = Math.min(120, Math.max(15, Math.round((settings.windowMinutes * 60) / 60)));
      return await readTrend(expr, alert.labels, { prometheusUrl, windowMinutes: settings.windowMinutes, stepSeconds, signal: controller.signal, now: clock.now() });
    } finally {
      clock.clearTimer(timer);
    }
  };
  return { gatherer, recovery };
}

async function kubeConfigFor(mode: ContextSettings['kubernetes'], env: Record<string, string | undefined>): Promise<KubeConfig | undefined> {
  const inCluster = mode === 'in-cluster' || (mode === 'auto' && env.KUBERNETES_SERVICE_HOST !== undefined);
  if (mode === 'off' || (mode === 'auto' && !inCluster)) return undefined;
  const { loadKubeConfig } = await import('../actions/kubernetes.js');
  return loadKubeConfig(inCluster);
}
