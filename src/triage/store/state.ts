/**
 * The engine's state (types.ts `TriageState`) over the triage database. Every method is one query;
 * the engine's passes over deliveries go through `beginPass` (pass.ts: one read, one write), and
 * the server keeps two passes off the same alerts.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertStatus, Decision, PassScope, RecoveryWatch, Route, StoredAlert, TriageState, TriageStatePass } from '../types.js';
import { beginSqlPass } from './pass.js';
import type { TriageSchema } from './schema.js';

type AlertRow = Selectable<TriageSchema['alerts']>;
type DecisionRow = Selectable<TriageSchema['decisions']>;

/** A stored alert row as the engine sees it. */
export function alertFromRow(row: AlertRow): StoredAlert {
  return {
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    labels: row.labels,
    annotations: row.annotations,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    firstSeen: row.first_seen.getTime(),
    lastSeen: row.last_seen.getTime(),
    lastRoute: row.last_route as Route | '',
  };
}

/** A stored decision row as the engine sees it. */
export function decisionFromRow(row: DecisionRow): Decision {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    severity: row.severity,
    status: row.status,
    class: row.class,
    route: row.route,
    rule: row.rule,
    reasons: row.reasons,
    action: row.action,
    mode: row.mode,
    at: row.at.getTime(),
  };
}

/** TriageState in SQL (PGlite or PostgreSQL). */
export class SqlTriageState implements TriageState {
  /** Wraps a Kysely handle on a migrated triage database. */
  constructor(private readonly db: Kysely<TriageSchema>) {}

  /** One delivery's pass: its scope read in one query, its writes stored in one statement at commit. */
  beginPass(scope: PassScope): Promise<TriageStatePass> {
    return beginSqlPass(this.db, this, scope);
  }

  /**
   * The oldest PROCESSED delivery with this body hash received at or after `since`. The server
   * stores a delivery before the engine sees it and marks it processed after the engine's pass, so
   * the delivery being decided is never its own earlier copy, and one whose pass failed does not
   * turn Alertmanager's retry into a duplicate.
   */
  async deliveryWithHash(bodySha256: string, since: number): Promise<{ id: string; receivedAt: number } | undefined> {
    const row = await this.db
      .selectFrom('deliveries')
      .select(['id', 'received_at'])
      .where('processed_at', 'is not', null)
      .where('body_sha256', '=', bodySha256)
      .where('received_at', '>=', new Date(since))
      .orderBy('id', 'asc')
      .limit(1)
      .executeTakeFirst();
    return row ? { id: String(row.id), receivedAt: row.received_at.getTime() } : undefined;
  }

  /** The alert with this fingerprint, if seen. */
  async getAlert(fingerprint: string): Promise<StoredAlert | undefined> {
    const row = await this.db.selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
    return row ? alertFromRow(row) : undefined;
  }

  /** Inserts or replaces the alert's row. */
  async putAlert(alert: StoredAlert): Promise<void> {
    const values = {
      alertname: alert.alertname,
      labels: JSON.stringify(alert.labels),
      annotations: JSON.stringify(alert.annotations),
      status: alert.status,
      starts_at: alert.startsAt,
      ends_at: alert.endsAt,
      first_seen: new Date(alert.firstSeen),
      last_seen: new Date(alert.lastSeen),
      last_route: alert.lastRoute,
    };
    await this.db
      .insertInto('alerts')
      .values({ fingerprint: alert.fingerprint, ...values })
      .onConflict((oc) => oc.column('fingerprint').doUpdateSet(values))
      .execute();
  }

  /** Records a firing↔resolved change. */
  async addTransition(fingerprint: string, status: AlertStatus, at: number): Promise<void> {
    await this.db.insertInto('alert_transitions').values({ fingerprint, status, at: new Date(at) }).execute();
  }

  /** How many transitions the alert had at or after `since`. */
  async countTransitions(fingerprint: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('alert_transitions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('fingerprint', '=', fingerprint)
      .where('at', '>=', new Date(since))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Firing alerts with this alertname whose labels include all of `labels`. */
  async firingWith(alertname: string, labels: Record<string, string>): Promise<StoredAlert[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('alertname', '=', alertname)
      .where('status', '=', 'firing')
      .where(sql<boolean>`labels @> ${JSON.stringify(labels)}::jsonb`)
      .orderBy('last_seen', 'desc')
      .execute();
    return rows.map(alertFromRow);
  }

  /** Every firing alert, oldest first. */
  async firing(): Promise<StoredAlert[]> {
    const rows = await this.db.selectFrom('alerts').selectAll().where('status', '=', 'firing').orderBy('first_seen').orderBy('fingerprint').execute();
    return rows.map(alertFromRow);
  }

  /** Appends a decision. */
  async saveDecision(d: Decision): Promise<void> {
    await this.db
      .insertInto('decisions')
      .values({
        id: d.id,
        delivery_id: d.deliveryId,
        fingerprint: d.fingerprint,
        alertname: d.alertname,
        severity: d.severity,
        status: d.status,
        class: d.class,
        route: d.route,
        rule: d.rule,
        reasons: JSON.stringify(d.reasons),
        action: d.action ? JSON.stringify(d.action) : null,
        mode: d.mode,
        at: new Date(d.at),
      })
      .execute();
  }

  /** The newest decision about the fingerprint (ties by insertion order). */
  async lastDecision(fingerprint: string): Promise<Decision | undefined> {
    const row = await this.db
      .selectFrom('decisions')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? decisionFromRow(row) : undefined;
  }

  /** Inserts or replaces the watch (keeping the earlier `since`). */
  async putWatch(w: RecoveryWatch): Promise<void> {
    await this.db
      .insertInto('recovery_watches')
      .values({ fingerprint: w.fingerprint, labels: JSON.stringify(w.labels), generator_url: w.generatorURL, since: new Date(w.since), pending: w.pending })
      .onConflict((oc) => oc.column('fingerprint').doUpdateSet((eb) => ({
        labels: eb.ref('excluded.labels'), generator_url: eb.ref('excluded.generator_url'), pending: eb.ref('excluded.pending'),
        since: sql<Date>`least(recovery_watches.since, excluded.since)`,
      })))
      .execute();
  }

  /** Deletes the watch. */
  async endWatch(fingerprint: string): Promise<void> {
    await this.db.deleteFrom('recovery_watches').where('fingerprint', '=', fingerprint).execute();
  }

  /** Every watch, oldest first. */
  async watches(): Promise<RecoveryWatch[]> {
    const rows = await this.db.selectFrom('recovery_watches').selectAll().orderBy('since').orderBy('fingerprint').execute();
    return rows.map((r) => ({ fingerprint: r.fingerprint, labels: r.labels, generatorURL: r.generator_url, since: r.since.getTime(), pending: r.pending }));
  }
}
