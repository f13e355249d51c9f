import { withOwnFingerprint } from '../ingest/fingerprint.js';
import type { Delivery } from '../types.js';
import { podOwner, withoutPodIdentity } from './owner.js';

/**
 * The keys a pass over this delivery must hold so that no other pass reads or writes what it does
 * meanwhile: each alert (by triage's own fingerprint), the body (a byte-identical resend must wait
 * for its first copy to be marked processed), and, for a pod with an owner, the labels its
 * restarted siblings share (the rename check reads them). Passes over other alerts run in parallel.
 */
export function deliveryLockKeys(delivery: Delivery): string[] {
  const keys = new Set([`body:${delivery.bodySha256}`]);
  for (const alert of delivery.alerts) {
    keys.add(`alert:${withOwnFingerprint(alert).fingerprint}`);
    if (alert.labels.pod !== undefined && podOwner(alert.labels) !== undefined) {
      const shared = Object.entries(withoutPodIdentity(alert.labels)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      keys.add(`siblings:${JSON.stringify(shared)}`);
    }
  }
  return [...keys];
}
