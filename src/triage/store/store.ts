/**
 * The triage service's database: embedded PGlite under a directory, or a PostgreSQL server, with
 * the `triage` migrations applied on open. Holds every delivery (raw bytes, valid or not), the
 * engine's state (SqlTriageState) and the read queries behind the JSON API and the page.
 */
import { sql } from 'kysely';
import { openDatabase, type Database, type DatabaseObserver, type DatabaseTarget } from '../../platform/db/driver.js';
import { migrateSet } from '../../platform/db/migrate.js';
import { toDelivery, type ParseResult } from '../ingest/payload.js';
import type { AlertStatus, Decision, Delivery, StoredAlert } from '../types.js';
import type { TriageSchema } from './schema.js';
import { alertFromRow, decisionFromRow, SqlTriageState } from './state.js';

/** A delivery as the API and the page list it (never the body: that is fetched on its own). */
export interface DeliverySummary {
  id: string;
  receivedAt: number;
  valid: boolean;
  problems: string[];
  bodySha256: string;
  bodyBytes: number;
  receiver: string | null;
  groupKey: string | null;
  status: AlertStatus | null;
  truncatedAlerts: number;
  alertCount: number;
  notificationReason: string | null;
  /** When the engine decided about it (null: not yet, no engine, or its pass failed). */
  processedAt: number | null;
  decisionCount: number | null;
  fingerprintMismatches: { alertname: string; sent: string; computed: string }[];
}

/** Most rows one read returns. */
export const maxPageSize = 500;
/** Rows one read returns when no limit is given. */
export const defaultPageSize = 50;

function bounded(limit: number | undefined, fallback = defaultPageSize): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(maxPageSize, Math.max(1, Math.floor(limit)));
}

/** The triage store: the engine's state plus deliveries and read queries. */
export class TriageStore {
  readonly state: SqlTriageState;

  /** Wraps an already migrated database (see `openTriageStore`). */
  constructor(readonly db: Database<TriageSchema>) {
    this.state = new SqlTriageState(db.kysely);
  }

  /**
   * Stores a delivery as received: the raw bytes and their hash always; the parsed fields when
   * valid, the problems when not. Returns the Delivery (with its id) for a valid one.
   */
  async saveDelivery(input: { body: Uint8Array; bodySha256: string; receivedAt: number; parsed: ParseResult }): Promise<{ id: string; delivery?: Delivery }> {
    const { parsed } = input;
    const base = { received_at: new Date(input.receivedAt), body: Buffer.from(input.body), body_sha256: input.bodySha256 };
    const values = parsed.ok
      ? {
          ...base,
          valid: true,
          receiver: parsed.payload.receiver,
          group_key: parsed.payload.groupKey,
          status: parsed.payload.status,
          truncated_alerts: parsed.payload.truncatedAlerts,
          alert_count: parsed.payload.alerts.length,
          group_labels: JSON.stringify(parsed.payload.groupLabels),
          common_labels: JSON.stringify(parsed.payload.commonLabels),
          common_annotations: JSON.stringify(parsed.payload.commonAnnotations),
          route_labels: parsed.payload.routeLabels ? JSON.stringify(parsed.payload.routeLabels) : null,
          external_url: parsed.payload.externalURL,
          notification_reason: parsed.payload.notification_reason ?? null,
          fingerprint_mismatches: JSON.stringify(parsed.mismatches),
        }
      : { ...base, valid: false, problems: JSON.stringify(parsed.problems) };
    const row = await this.db.kysely.insertInto('deliveries').values(values).returning('id').executeTakeFirstOrThrow();
    const id = String(row.id);
    if (!parsed.ok) return { id };
    return { id, delivery: toDelivery(parsed.payload, { id, receivedAt: input.receivedAt, bodySha256: input.bodySha256 }) };
  }

  /** Records that the engine decided about a delivery (it then counts as an earlier copy of a resend). */
  async markProcessed(id: string, at: number, decisionCount: number): Promise<void> {
    await this.db.kysely.updateTable('deliveries').set({ processed_at: new Date(at), decision_count: decisionCount }).where('id', '=', id).execute();
  }

  /** Deliveries newest first; `before` (an id) pages back; `valid` filters. */
  async listDeliveries(opts: { limit?: number; before?: string; valid?: boolean } = {}): Promise<DeliverySummary[]> {
    let q = this.db.kysely
      .selectFrom('deliveries')
      .select((eb) => [
        'id', 'received_at', 'valid', 'problems', 'body_sha256', 'receiver', 'group_key', 'status', 'truncated_alerts',
        'alert_count', 'notification_reason', 'fingerprint_mismatches', 'processed_at', 'decision_count', eb.fn<number>('octet_length', ['body']).as('body_bytes'),
      ])
      .orderBy('id', 'desc')
      .limit(bounded(opts.limit));
    if (opts.before !== undefined) q = q.where('id', '<', opts.before);
    if (opts.valid !== undefined) q = q.where('valid', '=', opts.valid);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: String(r.id),
      receivedAt: r.received_at.getTime(),
      valid: r.valid,
      problems: r.problems,
      bodySha256: r.body_sha256,
      bodyBytes: Number(r.body_bytes),
      receiver: r.receiver,
      groupKey: r.group_key,
      status: r.status,
      truncatedAlerts: r.truncated_alerts,
      alertCount: r.alert_count,
      notificationReason: r.notification_reason,
      processedAt: r.processed_at?.getTime() ?? null,
      decisionCount: r.decision_count,
      fingerprintMismatches: r.fingerprint_mismatches,
    }));
  }

  /** The raw bytes of one delivery, as received. */
  async deliveryBody(id: string): Promise<Uint8Array | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.db.kysely.selectFrom('deliveries').select('body').where('id', '=', id).executeTakeFirst();
    return row ? Buffer.from(row.body) : undefined;
  }

  /** Alerts by last seen, newest first; `offset` pages; `status` filters. */
  async listAlerts(opts: { limit?: number; offset?: number; status?: AlertStatus } = {}): Promise<StoredAlert[]> {
    let q = this.db.kysely
      .selectFrom('alerts')
      .selectAll()
      .orderBy('last_seen', 'desc')
      .orderBy('fingerprint')
      .limit(bounded(opts.limit))
      .offset(Math.max(0, Math.floor(opts.offset ?? 0)));
    if (opts.status) q = q.where('status', '=', opts.status);
    return (await q.execute()).map(alertFromRow);
  }

  /** Decisions newest first (by insertion); `before` (a seq) pages back. */
  async listDecisions(opts: { limit?: number; before?: string } = {}): Promise<(Decision & { seq: string })[]> {
    let q = this.db.kysely.selectFrom('decisions').selectAll().orderBy('seq', 'desc').limit(bounded(opts.limit));
    if (opts.before !== undefined) q = q.where('seq', '<', opts.before);
    return (await q.execute()).map((r) => ({ ...decisionFromRow(r), seq: String(r.seq) }));
  }

  /** The newest decisions about one fingerprint (an escalation's recent history), newest first. */
  async decisionsFor(fingerprint: string, limit = 10): Promise<Decision[]> {
    const rows = await this.db.kysely.selectFrom('decisions').selectAll().where('fingerprint', '=', fingerprint)
      .orderBy('at', 'desc').orderBy('seq', 'desc').limit(bounded(limit)).execute();
    return rows.map(decisionFromRow);
  }

  /** Throws when the database does not answer (health checks). */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db.kysely);
  }

  /** Closes the database. */
  close(): Promise<void> {
    return this.db.close();
  }
}

/** Applies the triage migrations to an open database and wraps it. */
export async function createTriageStore(db: Database<TriageSchema>): Promise<TriageStore> {
  await migrateSet(db, 'triage');
  return new TriageStore(db);
}

/** Opens (and migrates) the triage database: `{ kind: 'embedded', dir }` or `{ kind: 'postgres', url }`. */
export async function openTriageStore(target: DatabaseTarget, observer?: DatabaseObserver): Promise<TriageStore> {
  const db = await openDatabase<TriageSchema>(target, observer);
  try {
    return await createTriageStore(db);
  } catch (err) {
    await db.close();
    throw err;
  }
}
