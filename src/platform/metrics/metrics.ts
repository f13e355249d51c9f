import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Connection counts of one database pool, as reported by a pool source. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Receives the timing of every query run against one database. */
export interface DbObserver {
  onQuery(durationMs: number, failed: boolean): void;
  /** A write ended unconfirmed: committed locally, its synchronous standby wait cancelled. */
  onUnconfirmed(): void;
}

export interface MetricsOptions {
  /** Distinct tenant slugs labelled by name; later ones are labelled `other`. Default 50. */
  maxTenantLabels?: number;
  /** Collect prom-client's default process metrics into the registry. Default true. */
  defaultMetrics?: boolean;
}

/** Label for tenants past the limit, keeping label cardinality bounded. */
export const OTHER_TENANT = 'other';

/** The web process's metrics, in a registry of their own (not prom-client's global one). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code' | 'tenant'>;
  readonly dbDuration: Histogram<'database' | 'outcome'>;
  readonly poolConnections: Gauge<'database' | 'state'>;
  readonly dbUnconfirmed: Counter<'database'>;
  private readonly maxTenantLabels: number;
  private readonly tenants = new Set<string>();
  private readonly poolSources = new Map<string, () => PoolStats>();
  private readonly extraRegistries: Registry[] = [];

  /** Creates the metrics and registers them, with default process metrics, in a fresh registry. */
  constructor(options: MetricsOptions = {}) {
    this.maxTenantLabels = options.maxTenantLabels ?? 50;
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route pattern',
      labelNames: ['method', 'route', 'status_code', 'tenant'],
      registers: [this.registry],
    });
    this.dbDuration = new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Database query duration in seconds',
      labelNames: ['database', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.dbUnconfirmed = new Counter({
      name: 'db_unconfirmed_writes_total',
      help: 'Writes answered as "may or may not be saved": the synchronous standby wait of their commit was cancelled',
      labelNames: ['database'],
      registers: [this.registry],
    });
    const sources = this.poolSources;
    this.poolConnections = new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['database', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [database, source] of sources) {
          let stats: PoolStats;
          try {
            stats = source();
          } catch {
            continue; // a broken source must not break the whole scrape
          }
          this.set({ database, state: 'total' }, stats.total);
          this.set({ database, state: 'idle' }, stats.idle);
          this.set({ database, state: 'waiting' }, stats.waiting);
        }
      },
    });
  }

  /** Returns the slug for the first N distinct tenants seen, `other` for any after. */
  tenantLabel(slug: string): string {
    if (this.tenants.has(slug)) return slug;
    if (this.tenants.size >= this.maxTenantLabels) return OTHER_TENANT;
    this.tenants.add(slug);
    return slug;
  }

  /** Reports a pool's connection counts under `label` ('control' or a tenantLabel) at each scrape. */
  addPoolSource(label: string, source: () => PoolStats): void {
    this.poolSources.set(label, source);
  }

  /** Stops reporting the pool registered under `label`. */
  removePoolSource(label: string): void {
    this.poolSources.delete(label);
  }

  /** Returns an observer recording query durations for `label` ('control' or a tenantLabel). */
  dbObserver(label: string): DbObserver {
    const histogram = this.dbDuration;
    const unconfirmed = this.dbUnconfirmed;
    return {
      onQuery(durationMs, failed) {
        histogram.observe({ database: label, outcome: failed ? 'error' : 'ok' }, durationMs / 1000);
      },
      onUnconfirmed() {
        unconfirmed.inc({ database: label });
      },
    };
  }

  /** Serves another component's registry in this process's /metrics (the in-process dispatcher's). */
  addRegistry(registry: Registry): void {
    this.extraRegistries.push(registry);
  }

  /** Everything /metrics serves, in the Prometheus text format. */
  async text(): Promise<string> {
    const parts = await Promise.all([this.registry, ...this.extraRegistries].map((r) => r.metrics()));
    return parts.join('\n');
  }
}

/** Creates a Metrics instance with its own registry. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}
