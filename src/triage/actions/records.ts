/** The queries on the actions table: recording, the pending verifications, acknowledging, listing. */
import type { Selectable } from 'kysely';
import { decisionFromRow } from '../store/state.js';
import type { Decision } from '../types.js';
import type { ActionsDatabase, ActionsSchema, ActionStatus, ActionVerifySettings } from './schema.js';

/** One action row as the runner, the API and the page see it (times in ms since the epoch). */
export interface ActionRecord {
  id: string;
  decisionId: string;
  fingerprint: string;
  alertname: string;
  name: string;
  target: Record<string, string>;
  targetKey: string;
  mode: 'observe' | 'act';
  status: ActionStatus;
  reason: string;
  createdAt: number;
  executedAt: number | null;
  verifyAt: number | null;
  verifiedAt: number | null;
  result: string | null;
  verify: ActionVerifySettings;
  acknowledgedAt: number | null;
}

/** The fields of a new row: a record's identity and state, with the timings and results it may already have. */
export type NewAction = Pick<ActionRecord, 'decisionId' | 'fingerprint' | 'alertname' | 'name' | 'target' | 'targetKey' | 'mode' | 'status' | 'reason' | 'createdAt'>
  & Partial<{ executedAt: number; verifyAt: number; result: string; verify: ActionVerifySettings }>;

const date = (ms: number | undefined | null): Date | null => (ms === undefined || ms === null ? null : new Date(ms));

function fromRow(r: Selectable<ActionsSchema['actions']>): ActionRecord {
  return {
    id: String(r.id), decisionId: r.decision_id, fingerprint: r.fingerprint, alertname: r.alertname, name: r.name, target: r.target,
    targetKey: r.target_key, mode: r.mode, status: r.status, reason: r.reason, createdAt: r.created_at.getTime(),
    executedAt: r.executed_at?.getTime() ?? null, verifyAt: r.verify_at?.getTime() ?? null, verifiedAt: r.verified_at?.getTime() ?? null,
    result: r.result, verify: r.verify, acknowledgedAt: r.acknowledged_at?.getTime() ?? null,
  };
}

/** The actions table. */
export class ActionsLog {
  constructor(private readonly db: ActionsDatabase) {}

  /** Inserts a row; returns it. */
  async insert(a: NewAction): Promise<ActionRecord> {
    const row = await this.db
      .insertInto('actions')
      .values({
        decision_id: a.decisionId, fingerprint: a.fingerprint, alertname: a.alertname, name: a.name, target: JSON.stringify(a.target),
        target_key: a.targetKey, mode: a.mode, status: a.status, reason: a.reason, created_at: new Date(a.createdAt),
        executed_at: date(a.executedAt), verify_at: date(a.verifyAt), result: a.result ?? null, verify: JSON.stringify(a.verify ?? {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** Sets a row's outcome fields; returns the updated row. */
  async update(id: string, set: { status?: ActionStatus; reason?: string; result?: string; verifiedAt?: number; verify?: ActionVerifySettings }): Promise<ActionRecord> {
    const row = await this.db
      .updateTable('actions')
      .set({
        ...(set.status !== undefined ? { status: set.status } : {}),
        ...(set.reason !== undefined ? { reason: set.reason } : {}),
        ...(set.result !== undefined ? { result: set.result } : {}),
        ...(set.verifiedAt !== undefined ? { verified_at: new Date(set.verifiedAt) } : {}),
        ...(set.verify !== undefined ? { verify: JSON.stringify(set.verify) } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return fromRow(row);
  }

  /** Executed actions whose verification is due at `now`, oldest first. */
  async due(now: number): Promise<ActionRecord[]> {
    const rows = await this.db.selectFrom('actions').selectAll().where('status', '=', 'executed').where('verify_at', '<=', new Date(now)).orderBy('verify_at').orderBy('id').execute();
    return rows.map(fromRow);
  }

  /** One row by id. */
  async get(id: string): Promise<ActionRecord | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const row = await this.db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Rows newest first; `before` (an id) pages back. */
  async list(opts: { limit?: number; before?: string } = {}): Promise<ActionRecord[]> {
    let q = this.db.selectFrom('actions').selectAll().orderBy('id', 'desc').limit(Math.min(500, Math.max(1, Math.floor(opts.limit ?? 50))));
    if (opts.before !== undefined && /^\d{1,18}$/.test(opts.before)) q = q.where('id', '<', opts.before);
    return (await q.execute()).map(fromRow);
  }

  /**
   * A human acknowledges a failed action: every unacknowledged failure of the same target or the same
   * fingerprint is marked, so triage may act there again. Returns how many rows were marked.
   */
  async acknowledge(id: string, at: number): Promise<number> {
    const row = await this.get(id);
    if (row === undefined) return 0;
    const res = await this.db
      .updateTable('actions')
      .set({ acknowledged_at: new Date(at) })
      .where('status', 'in', ['failed', 'verify-failed'])
      .where('acknowledged_at', 'is', null)
      .where((eb) => eb.or([eb('target_key', '=', row.targetKey), eb('fingerprint', '=', row.fingerprint)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /** The decision an action was taken for, when it was saved. */
  async decision(id: string): Promise<Decision | undefined> {
    const row = await this.db.selectFrom('decisions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? decisionFromRow(row) : undefined;
  }
}
