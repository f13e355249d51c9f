/**
 * Types shared by the alert triage service's parts (ingest, store, policy, engine). Triage is a
 * separate service in the same package (`kona triage`): it imports nothing from features/.
 */

/** An alert's state as Alertmanager reports it. */
export type AlertStatus = 'firing' | 'resolved';

/** One alert of a webhook delivery (after validation). */
export interface IncomingAlert {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 as sent. */
  startsAt: string;
  /** RFC 3339; Go's zero time "0001-01-01T00:00:00Z" while firing without an end. */
  endsAt: string;
  generatorURL: string;
  /** Triage's own fingerprint, recomputed from the labels: the alert's identity for dedupe and state. */
  fingerprint: string;
  /** The fingerprint Alertmanager sent, only when it disagrees with triage's own (flagged on the decision). */
  sentFingerprint?: string;
}

/** One webhook delivery (after validation), as stored. */
export interface Delivery {
  id: string;
  /** ms since the epoch, on the triage clock. */
  receivedAt: number;
  /** sha256 (hex) of the body's bytes: a byte-identical resend has the same. */
  bodySha256: string;
  receiver: string;
  groupKey: string;
  status: AlertStatus;
  /** Alerts Alertmanager left out of this group (max_alerts); never silently ignored. */
  truncatedAlerts: number;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  externalURL: string;
  alerts: IncomingAlert[];
  /**
   * Why Alertmanager sent it (newer releases: "first notification", "new alerts added", "some alerts resolved",
   * "all alerts resolved", "repeat interval elapsed", …); absent from older senders.
   */
  notificationReason?: string;
}

/** What kind of condition an alert is, by the policy's rules. */
export type AlertClass = 'routine' | 'serious' | 'unknown';

/**
 * What triage does with one alert in one delivery:
 * - act: a routine condition with an enabled catalogue action (observe mode only records it);
 * - notify: a human is told (serious, unknown, flapping, above the severity threshold, heartbeat lost);
 * - diagnose: handed to the diagnosis tier (off by default: then notify);
 * - record: routine and nothing to do; kept and visible, nobody paged;
 * - drop-duplicate: the same thing was already decided (resend, repeat notification).
 */
export type Route = 'act' | 'notify' | 'diagnose' | 'record' | 'drop-duplicate';

/** The policy's mode: observe-only (default) acts on nothing. */
export type TriageMode = 'observe' | 'act';

/** A catalogue action triage would take (or took) for a decision. */
export interface PlannedAction {
  /** Catalogue name, e.g. "delete-pod". */
  name: string;
  /** What it applies to, e.g. { namespace: "kona", pod: "web-7d9f-abc" }. */
  target: Record<string, string>;
  /** False in observe mode, or when a precondition or limit stopped it (see reasons). */
  execute: boolean;
}

/** One triage decision about one alert in one delivery. */
export interface Decision {
  id: string;
  deliveryId: string;
  fingerprint: string;
  alertname: string;
  /** The alert's `severity` label ('' when absent). */
  severity: string;
  status: AlertStatus;
  class: AlertClass;
  route: Route;
  /** The policy rule that classified it, when one matched. */
  rule: string | null;
  /** Why, in order, one short sentence each (e.g. "matched rule crashloop-under-budget"). */
  reasons: string[];
  action: PlannedAction | null;
  mode: TriageMode;
  /** ms since the epoch. */
  at: number;
}

/** What the store keeps about an alert (by fingerprint), across deliveries. */
export interface StoredAlert {
  fingerprint: string;
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: AlertStatus;
  startsAt: string;
  endsAt: string;
  firstSeen: number;
  lastSeen: number;
  /** The route of the last decision that was not a duplicate ('' before any). */
  lastRoute: Route | '';
}

/**
 * The state the engine reads and writes; an SQL implementation (store/) and an in-memory one (for
 * unit tests) exist. All times are ms since the epoch.
 */
export interface TriageState {
  /** An earlier delivery with the same body hash received at or after `since`, if any (HA resends). */
  deliveryWithHash(bodySha256: string, since: number): Promise<{ id: string; receivedAt: number } | undefined>;
  getAlert(fingerprint: string): Promise<StoredAlert | undefined>;
  /** Inserts or replaces the alert's row. */
  putAlert(alert: StoredAlert): Promise<void>;
  /** Records a firing↔resolved change. */
  addTransition(fingerprint: string, status: AlertStatus, at: number): Promise<void>;
  /** How many transitions the alert had at or after `since`. */
  countTransitions(fingerprint: string, since: number): Promise<number>;
  /** Firing alerts with this alertname whose labels include all of `labels` (a restarted pod's siblings). */
  firingWith(alertname: string, labels: Record<string, string>): Promise<StoredAlert[]>;
  /** Every alert whose last known status is firing, oldest first (the sweep for overdue routine alerts). */
  firing(): Promise<StoredAlert[]>;
  saveDecision(decision: Decision): Promise<void>;
  /** The newest decision about the fingerprint, if any. */
  lastDecision(fingerprint: string): Promise<Decision | undefined>;
  /** Keeps (or replaces) an alert's recovery watch; a replaced watch keeps its earlier `since`. */
  putWatch(watch: RecoveryWatch): Promise<void>;
  /** Ends the alert's recovery watch, if it has one. */
  endWatch(fingerprint: string): Promise<void>;
  /** Every recovery watch, oldest first (the watch sweep). */
  watches(): Promise<RecoveryWatch[]>;
  /**
   * Optional: a state for one delivery's pass that reads what `scope` names in one go and keeps the
   * pass's writes until `commit` stores them together (the SQL state: two round trips instead of a
   * few per alert, and a failed pass writes nothing). The caller keeps other passes off the same
   * alerts meanwhile (the server's per-alert locks).
   */
  beginPass?(scope: PassScope): Promise<TriageStatePass>;
}

/** An alert whose planned action is held while its value recovers (engine/routine.ts). */
export interface RecoveryWatch {
  fingerprint: string;
  /** What the recovery check reads: the alert's labels and its generatorURL (the expression). */
  labels: Record<string, string>;
  generatorURL: string;
  /** When the hold began (ms since the epoch). */
  since: number;
  /** The hold's first check had not answered within the delivery's wait: it is settled once it does. */
  pending: boolean;
}

/** What one delivery's pass will read: its alerts, their restarted siblings, and the windows it looks back over. */
export interface PassScope {
  /** The delivery as stored; `commit` marks it processed. */
  deliveryId: string;
  fingerprints: readonly string[];
  /** firingWith's arguments the pass will ask for (a pod's alert: its labels without the pod's identity). */
  siblings: ReadonlyArray<{ alertname: string; labels: Record<string, string> }>;
  /** The flapping window's start (countTransitions' `since`). */
  transitionsSince: number;
  bodySha256: string;
  /** The resend window's start (deliveryWithHash's `since`). */
  resendSince: number;
}

/** A TriageState whose writes are kept until `commit` stores them together. */
export interface TriageStatePass extends TriageState {
  /** Stores the pass's writes and marks its delivery processed at `at`, in one statement (all or nothing). */
  commit(at: number): Promise<void>;
}
