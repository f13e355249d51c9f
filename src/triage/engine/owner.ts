/**
 * Which workload owns a pod, from an alert's labels, so a restarted pod's renamed alert can be
 * recognised as the same condition.
 *
 * In order: an explicit owner label (`created_by_name` from kube-state-metrics joins, `owner_name`,
 * `owner`), else the pod name without the suffixes Kubernetes generates. Deployment pods are named
 * `<deployment>-<pod-template-hash>-<5 chars>` and DaemonSet/Job pods `<owner>-<5 chars>`, both
 * suffixes drawn from the alphabet of apimachinery's `rand.SafeEncodeString` (no vowels, no 0/1/3), so
 * ordinary words in a name ("web-cache") are not stripped. StatefulSet pods keep their name across
 * restarts (`db-0`), so no suffix is removed and no rename is needed. A pod name without a generated
 * suffix has no derivable owner: no rename match (never merge two unrelated pods).
 */

const safeChars = '[bcdfghjklmnpqrstvwxz2456789]';
const podSuffix = new RegExp(`^(.+)-${safeChars}{5}$`);
const templateHash = new RegExp(`^(.+)-${safeChars}{6,10}$`);

/** The owner of the alert's pod, or undefined when it cannot be told soundly. */
export function podOwner(labels: Record<string, string>): string | undefined {
  const explicit = labels.created_by_name ?? labels.owner_name ?? labels.owner;
  if (explicit !== undefined && explicit !== '') return explicit;
  const pod = labels.pod;
  if (pod === undefined) return undefined;
  const withoutPod = podSuffix.exec(pod)?.[1];
  if (withoutPod === undefined) return undefined;
  return templateHash.exec(withoutPod)?.[1] ?? withoutPod;
}

/** Labels that name one pod rather than the condition: they change when a pod is replaced. */
const podIdentityLabels = new Set(['pod', 'uid', 'pod_ip']);

/** The labels without the pod's own identity: what a restarted pod's alert shares with its sibling's. */
export function withoutPodIdentity(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !podIdentityLabels.has(k)));
}
