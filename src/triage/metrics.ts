/**
 * The triage service's Prometheus metrics, in a registry of its own. Labels are bounded: validity
 * (valid/invalid) and the five routes; nothing from an alert's labels becomes a metric label.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Route } from './types.js';

// An engine pass is a few queries per alert: milliseconds normally, seconds when the database is slow.
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters and histograms the webhook route feeds. */
export class TriageMetrics {
  readonly registry = new Registry();
  readonly deliveries: Counter<'validity'>;
  readonly alerts: Counter<'route'>;
  readonly decisionSeconds: Histogram;
  readonly mismatches: Counter;
  readonly truncated: Counter;
  readonly engineFailures: Counter;

  /** Creates the instruments; `defaults` adds process metrics (off in tests that build many). */
  constructor(opts: { defaults?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaults ?? true) collectDefaultMetrics({ register: this.registry });
    this.deliveries = new Counter({ name: 'kona_triage_deliveries_total', help: 'Webhook deliveries received and stored, by validity', labelNames: ['validity'], registers });
    this.alerts = new Counter({ name: 'kona_triage_alerts_total', help: 'Alert decisions, by the route triage chose', labelNames: ['route'], registers });
    this.decisionSeconds = new Histogram({ name: 'kona_triage_decision_seconds', help: 'From receiving a delivery to the engine having decided about all its alerts', buckets: latencyBuckets, registers });
    this.mismatches = new Counter({ name: 'kona_triage_fingerprint_mismatches_total', help: 'Alerts whose sent fingerprint differs from the one recomputed from their labels', registers });
    this.truncated = new Counter({ name: 'kona_triage_truncated_alerts_total', help: 'Alerts Alertmanager left out of deliveries (max_alerts)', registers });
    this.engineFailures = new Counter({ name: 'kona_triage_engine_failures_total', help: 'Engine passes that failed (the delivery is kept; Alertmanager retries)', registers });
    for (const validity of ['valid', 'invalid']) this.deliveries.inc({ validity }, 0);
    for (const route of ['act', 'notify', 'diagnose', 'record', 'drop-duplicate'] satisfies Route[]) this.alerts.inc({ route }, 0);
  }
}
