/**
 * One delivery's pass over the SQL state (TriageState.beginPass): everything the engine will read
 * about the delivery's alerts comes back in ONE query (alert rows, transition counts in the flapping
 * window, newest decisions, the earlier copy of the body, a restarted pod's firing siblings), the
 * engine then works in memory, and its writes (alerts, transitions, decisions, the delivery marked
 * processed) go back in ONE statement at `commit`. Before this, a
 * one-alert delivery took about ten round trips in turn; the profile of bench:triage on PostgreSQL
 * showed the passes queueing behind each other on those round trips.
 *
 * Reads outside the prefetched scope (another fingerprint, another window, a restarted pod's
 * siblings) go to the database and are overlaid with the pass's own pending writes, so the pass
 * reads exactly what the per-query state would have read after the same writes. Only the caller's
 * locks keep other passes off the same alerts (see server.ts): this is not a transaction. The SQL of
 * both lives in migrations/triage/0005_pass_functions.sql (the write as 0006 redefines it, with watches) (PL/pgSQL: planned once per connection).
 */
import { sql, type Kysely } from 'kysely';
import type { AlertStatus, Decision, PassScope, RecoveryWatch, Route, StoredAlert, TriageState, TriageStatePass } from '../types.js';
import type { TriageSchema } from './schema.js';

/** What the prefetch query returns (json: timestamps as ISO text). */
type AlertJson = { fingerprint: string; alertname: string; labels: Record<string, string>; annotations: Record<string, string>; status: AlertStatus; starts_at: string; ends_at: string; first_seen: string; last_seen: string; last_route: string };

interface Prefetched {
  alerts: AlertJson[] | null;
  counts: Array<{ fingerprint: string; n: number }> | null;
  decisions: Array<{ id: string; delivery_id: string; fingerprint: string; alertname: string; severity: string; status: AlertStatus; class: Decision['class']; route: Route; rule: string | null; reasons: string[]; action: Decision['action']; mode: Decision['mode']; at: string }> | null;
  copy: { id: number | string; received_at: string } | null;
  siblings: AlertJson[] | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

function alertFromJson(a: AlertJson): StoredAlert {
  return {
    fingerprint: a.fingerprint, alertname: a.alertname, labels: a.labels, annotations: a.annotations, status: a.status,
    startsAt: a.starts_at, endsAt: a.ends_at, firstSeen: Date.parse(a.first_seen), lastSeen: Date.parse(a.last_seen), lastRoute: a.last_route as Route | '',
  };
}

/** One firingWith query as a key (labels in a fixed order). */
function siblingKey(alertname: string, labels: Record<string, string>): string {
  return JSON.stringify([alertname, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/** Reads the scope in one round trip and returns the pass over it. */
export async function beginSqlPass(db: Kysely<TriageSchema>, base: TriageState, scope: PassScope): Promise<TriageStatePass> {
  const fps = JSON.stringify([...new Set(scope.fingerprints)]);
  const { rows } = await sql<{ pass: Prefetched }>`select triage_pass_read(${fps}::jsonb, ${iso(scope.transitionsSince)}::timestamptz,
    ${JSON.stringify(scope.siblings)}::jsonb, ${scope.bodySha256}, ${iso(scope.resendSince)}::timestamptz) as pass`.execute(db);
  const got = rows[0]!.pass;
  return new SqlPass(db, base, scope, got);
}

/** The pass: prefetched rows, pending writes, and the base state for anything else. */
class SqlPass implements TriageStatePass {
  private readonly alerts = new Map<string, StoredAlert>();
  private readonly counts = new Map<string, number>();
  private readonly latest = new Map<string, Decision>();
  /** Firing alerts matching any of the scope's sibling queries, and those queries (by key). */
  private readonly siblingRows: StoredAlert[];
  private readonly siblingQueries: Set<string>;
  private readonly copy: { id: string; receivedAt: number } | undefined;
  private readonly fingerprints: Set<string>;
  // Pending writes, in the order the engine made them.
  private readonly puts = new Map<string, StoredAlert>();
  private readonly transitions: Array<{ fingerprint: string; status: AlertStatus; at: number }> = [];
  private readonly decisions: Decision[] = [];
  /** Watches kept (a watch) or ended (null), the last word per fingerprint. */
  private readonly watchWrites = new Map<string, RecoveryWatch | null>();
  private committed = false;

  constructor(private readonly db: Kysely<TriageSchema>, private readonly base: TriageState, private readonly scope: PassScope, got: Prefetched) {
    this.fingerprints = new Set(scope.fingerprints);
    for (const a of got.alerts ?? []) this.alerts.set(a.fingerprint, alertFromJson(a));
    this.siblingRows = [...new Map((got.siblings ?? []).map((a) => [a.fingerprint, alertFromJson(a)])).values()];
    this.siblingQueries = new Set(scope.siblings.map((q) => siblingKey(q.alertname, q.labels)));
    for (const c of got.counts ?? []) this.counts.set(c.fingerprint, Number(c.n));
    for (const d of got.decisions ?? []) {
      this.latest.set(d.fingerprint, {
        id: d.id, deliveryId: d.delivery_id, fingerprint: d.fingerprint, alertname: d.alertname, severity: d.severity, status: d.status,
        class: d.class, route: d.route, rule: d.rule, reasons: d.reasons, action: d.action, mode: d.mode, at: Date.parse(d.at),
      });
    }
    this.copy = got.copy ? { id: String(got.copy.id), receivedAt: Date.parse(got.copy.received_at) } : undefined;
  }

  /** The prefetched copy for the scope's hash and window; anything else asks the database. */
  async deliveryWithHash(bodySha256: string, since: number): Promise<{ id: string; receivedAt: number } | undefined> {
    if (bodySha256 === this.scope.bodySha256 && since === this.scope.resendSince) return this.copy && { ...this.copy };
    return this.base.deliveryWithHash(bodySha256, since);
  }

  /** The pass's own write, else the prefetched row, else the database. */
  async getAlert(fingerprint: string): Promise<StoredAlert | undefined> {
    const pending = this.puts.get(fingerprint);
    if (pending) return structuredClone(pending);
    if (this.fingerprints.has(fingerprint)) {
      const row = this.alerts.get(fingerprint);
      return row && structuredClone(row);
    }
    return this.base.getAlert(fingerprint);
  }

  /** Kept until commit (the last write of a fingerprint wins, as consecutive upserts would). */
  async putAlert(alert: StoredAlert): Promise<void> {
    this.puts.set(alert.fingerprint, structuredClone(alert));
  }

  /** Kept until commit. */
  async addTransition(fingerprint: string, status: AlertStatus, at: number): Promise<void> {
    this.transitions.push({ fingerprint, status, at });
  }

  /** Stored transitions (prefetched for the scope's window) plus the pass's own. */
  async countTransitions(fingerprint: string, since: number): Promise<number> {
    const stored = this.fingerprints.has(fingerprint) && since === this.scope.transitionsSince
      ? (this.counts.get(fingerprint) ?? 0)
      : await this.base.countTransitions(fingerprint, since);
    return stored + this.transitions.filter((t) => t.fingerprint === fingerprint && t.at >= since).length;
  }

  /** The database's firing alerts with the pass's writes laid over them, newest first. */
  async firingWith(alertname: string, labels: Record<string, string>): Promise<StoredAlert[]> {
    const matches = (a: StoredAlert) => a.alertname === alertname && a.status === 'firing' && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
    // The prefetched rows answer every query of the scope: they hold all rows of each, and `matches` picks this one's.
    const stored = this.siblingQueries.has(siblingKey(alertname, labels))
      ? this.siblingRows.filter(matches).map((a) => structuredClone(a))
      : await this.base.firingWith(alertname, labels);
    return this.overlay(stored, matches).sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** Every firing alert, oldest first, with the pass's writes laid over them. */
  async firing(): Promise<StoredAlert[]> {
    return this.overlay(await this.base.firing(), (a) => a.status === 'firing').sort((a, b) => a.firstSeen - b.firstSeen || a.fingerprint.localeCompare(b.fingerprint));
  }

  /** Kept until commit. */
  async saveDecision(decision: Decision): Promise<void> {
    this.decisions.push(structuredClone(decision));
  }

  /** The newest of the pass's decisions and the stored one (the stored one only if it is later). */
  async lastDecision(fingerprint: string): Promise<Decision | undefined> {
    const own = this.decisions.findLast((d) => d.fingerprint === fingerprint);
    const stored = this.fingerprints.has(fingerprint) ? this.latest.get(fingerprint) : await this.base.lastDecision(fingerprint);
    const newest = own === undefined || (stored !== undefined && stored.at > own.at) ? stored : own;
    return newest && structuredClone(newest);
  }

  /** Kept until commit. */
  async putWatch(watch: RecoveryWatch): Promise<void> {
    const since = Math.min(watch.since, this.watchWrites.get(watch.fingerprint)?.since ?? Infinity);
    this.watchWrites.set(watch.fingerprint, structuredClone({ ...watch, since }));
  }

  /** Kept until commit. */
  async endWatch(fingerprint: string): Promise<void> {
    this.watchWrites.set(fingerprint, null);
  }

  /** The stored watches with the pass's own laid over them (not prefetched: the engine's passes do not read them). */
  async watches(): Promise<RecoveryWatch[]> {
    const stored = new Map((await this.base.watches()).map((w) => [w.fingerprint, w]));
    for (const [fp, w] of this.watchWrites) {
      if (w === null) stored.delete(fp);
      else stored.set(fp, { ...w, since: Math.min(w.since, stored.get(fp)?.since ?? Infinity) });
    }
    return [...stored.values()].sort((a, b) => a.since - b.since || a.fingerprint.localeCompare(b.fingerprint));
  }

  /** Writes alerts, transitions, decisions and watches and marks the delivery processed, in one statement: all of it or, on failure, none. */
  async commit(at: number): Promise<void> {
    if (this.committed) throw new Error('this triage pass was already committed');
    this.committed = true;
    const alerts = JSON.stringify([...this.puts.values()].map((a) => ({
      fingerprint: a.fingerprint, alertname: a.alertname, labels: a.labels, annotations: a.annotations, status: a.status, starts_at: a.startsAt,
      ends_at: a.endsAt, first_seen: iso(a.firstSeen), last_seen: iso(a.lastSeen), last_route: a.lastRoute,
    })));
    // Ids of stored deliveries are digits; any other (a delivery built in memory) marks nothing.
    const storedId = /^\d{1,18}$/.test(this.scope.deliveryId) ? this.scope.deliveryId : null;
    const transitions = JSON.stringify(this.transitions.map((t) => ({ ...t, at: iso(t.at) })));
    const decisions = JSON.stringify(this.decisions.map((d) => ({
      id: d.id, delivery_id: d.deliveryId, fingerprint: d.fingerprint, alertname: d.alertname, severity: d.severity, status: d.status, class: d.class,
      route: d.route, rule: d.rule, reasons: d.reasons, action: d.action, mode: d.mode, at: iso(d.at),
    })));
    const writes = [...this.watchWrites.entries()];
    const putWatches = JSON.stringify(writes.flatMap(([, w]) => (w === null ? [] : [{ fingerprint: w.fingerprint, labels: w.labels, generator_url: w.generatorURL, since: iso(w.since), pending: w.pending }])));
    const endWatches = JSON.stringify(writes.flatMap(([fp, w]) => (w === null ? [fp] : [])));
    await sql`select triage_pass_write(${alerts}::jsonb, ${transitions}::jsonb, ${decisions}::jsonb, ${storedId}::bigint, ${iso(at)}::timestamptz,
      ${putWatches}::jsonb, ${endWatches}::jsonb)`.execute(this.db);
  }

  /** Base rows with the pass's pending writes laid over them (replaced, dropped when no longer matching, or added). */
  private overlay(rows: StoredAlert[], matches: (a: StoredAlert) => boolean): StoredAlert[] {
    const out = rows.filter((a) => !this.puts.has(a.fingerprint));
    for (const a of this.puts.values()) if (matches(a)) out.push(structuredClone(a));
    return out;
  }
}
