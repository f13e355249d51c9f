import type { AlertStatus, Decision, RecoveryWatch, StoredAlert, TriageState } from '../types.js';

/** An in-memory TriageState for unit tests and the corpus replay; the SQL one lives in store/. */
export class MemoryState implements TriageState {
  private readonly deliveries: Array<{ id: string; receivedAt: number; bodySha256: string }> = [];
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly transitions: Array<{ fingerprint: string; status: AlertStatus; at: number }> = [];
  private readonly saved: Decision[] = [];
  private readonly watching = new Map<string, RecoveryWatch>();

  /** Stores a delivery as ingest would before handing it to the engine. */
  recordDelivery(delivery: { id: string; receivedAt: number; bodySha256: string }): void {
    this.deliveries.push({ id: delivery.id, receivedAt: delivery.receivedAt, bodySha256: delivery.bodySha256 });
  }

  /** The earliest delivery with the hash received at or after `since` (as the SQL state orders them). */
  async deliveryWithHash(bodySha256: string, since: number): Promise<{ id: string; receivedAt: number } | undefined> {
    const hit = this.deliveries.find((d) => d.bodySha256 === bodySha256 && d.receivedAt >= since);
    return hit ? { id: hit.id, receivedAt: hit.receivedAt } : undefined;
  }

  /** The alert by fingerprint (a copy). */
  async getAlert(fingerprint: string): Promise<StoredAlert | undefined> {
    const a = this.alerts.get(fingerprint);
    return a ? structuredClone(a) : undefined;
  }

  /** Inserts or replaces the alert's row. */
  async putAlert(alert: StoredAlert): Promise<void> {
    this.alerts.set(alert.fingerprint, structuredClone(alert));
  }

  /** Records a status entry. */
  async addTransition(fingerprint: string, status: AlertStatus, at: number): Promise<void> {
    this.transitions.push({ fingerprint, status, at });
  }

  /** Transitions of the alert at or after `since`. */
  async countTransitions(fingerprint: string, since: number): Promise<number> {
    return this.transitions.filter((t) => t.fingerprint === fingerprint && t.at >= since).length;
  }

  /** Firing alerts with the alertname whose labels include all of `labels`, newest first. */
  async firingWith(alertname: string, labels: Record<string, string>): Promise<StoredAlert[]> {
    return [...this.alerts.values()]
      .filter((a) => a.alertname === alertname && a.status === 'firing' && Object.entries(labels).every(([k, v]) => a.labels[k] === v))
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .map((a) => structuredClone(a));
  }

  /** Every firing alert, oldest first. */
  async firing(): Promise<StoredAlert[]> {
    return [...this.alerts.values()].filter((a) => a.status === 'firing').sort((a, b) => a.firstSeen - b.firstSeen).map((a) => structuredClone(a));
  }

  /** Appends a decision. */
  async saveDecision(decision: Decision): Promise<void> {
    this.saved.push(structuredClone(decision));
  }

  /** The newest decision about the fingerprint. */
  async lastDecision(fingerprint: string): Promise<Decision | undefined> {
    const d = this.saved.findLast((x) => x.fingerprint === fingerprint);
    return d ? structuredClone(d) : undefined;
  }

  /** Keeps the watch (a replaced one keeps its earlier `since`). */
  async putWatch(watch: RecoveryWatch): Promise<void> {
    const since = Math.min(watch.since, this.watching.get(watch.fingerprint)?.since ?? Infinity);
    this.watching.set(watch.fingerprint, structuredClone({ ...watch, since }));
  }

  /** Ends the watch. */
  async endWatch(fingerprint: string): Promise<void> {
    this.watching.delete(fingerprint);
  }

  /** Every watch, oldest first. */
  async watches(): Promise<RecoveryWatch[]> {
    return [...this.watching.values()].sort((a, b) => a.since - b.since).map((w) => structuredClone(w));
  }

  /** Every decision saved, in order (tests read it). */
  decisions(): Decision[] {
    return this.saved.map((d) => structuredClone(d));
  }

  /** Every stored alert (tests read it). */
  allAlerts(): StoredAlert[] {
    return [...this.alerts.values()].map((a) => structuredClone(a));
  }
}
