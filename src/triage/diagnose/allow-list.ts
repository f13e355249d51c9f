/**
 * What may leave triage about an alert, by construction: an allow-list, not a deny-list. Labels a
 * Kubernetes and Prometheus setup uses to name infrastructure (namespace, pod, node, job, …) and the
 * `summary` annotation pass; every other label and annotation is dropped, whatever it holds, and its
 * name is kept so the page can say what was left out. Values that pass are still scrubbed by the
 * caller: a namespace can be named after a dog. Used by the diagnosis tier, the advisor and the
 * escalation messages alike.
 */

/** Labels that name infrastructure or say what the alert is (Prometheus, kube-state-metrics, the operator). */
export const allowedLabels: ReadonlySet<string> = new Set([
  'alertname', 'severity', 'priority', 'alertstate', 'prometheus', 'alertgroup',
  'namespace', 'pod', 'container', 'node', 'job', 'instance', 'service', 'endpoint', 'cluster',
  'deployment', 'statefulset', 'daemonset', 'replicaset', 'job_name', 'cronjob', 'horizontalpodautoscaler',
  'persistentvolumeclaim', 'persistentvolume', 'storageclass', 'ingress', 'created_by_kind', 'created_by_name',
  'owner_kind', 'owner_name', 'workload', 'workload_type', 'kind', 'resource', 'verb', 'code', 'method', 'le', 'quantile',
  'phase', 'reason', 'condition', 'status', 'state', 'uid', 'image', 'device', 'mountpoint', 'fstype', 'interface', 'cpu', 'mode',
  'unit', 'exported_job', 'exported_namespace', 'exported_pod', 'exported_container', 'exported_instance', 'exported_service',
  'datname', 'server', 'target', 'host', 'version', 'type', 'scope', 'component', 'app', 'app_kubernetes_io_name',
  'app_kubernetes_io_instance', 'app_kubernetes_io_component', 'app_kubernetes_io_part_of', 'region', 'zone',
  // Kona's own alerts: the rescue's slug (an organisation, not a person) and the process role.
  'tenant', 'role', 'backend', 'queue',
]);

/** Annotations that pass (scrubbed): the one-line summary and the runbook link. `description` may quote anything and never goes. */
export const allowedAnnotations: ReadonlySet<string> = new Set(['summary', 'runbook_url']);

/** The allowed part of an alert and the names of what was dropped ("label customer_email", "annotation description"). */
export interface AllowedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dropped: string[];
}

/** Keeps the allowed labels and annotations; lists the others by name, sorted. */
export function allowAlert(alert: { labels: Record<string, string>; annotations?: Record<string, string> }): AllowedAlert {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(alert.labels)) {
    if (allowedLabels.has(k)) labels[k] = v;
    else dropped.push(`label ${k}`);
  }
  for (const [k, v] of Object.entries(alert.annotations ?? {})) {
    if (allowedAnnotations.has(k)) annotations[k] = v;
    else dropped.push(`annotation ${k}`);
  }
  return { labels, annotations, dropped: dropped.sort() };
}
