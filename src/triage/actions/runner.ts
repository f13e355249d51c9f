/**
 * The action runner: takes the engine's `act` decisions. In observe mode it records what would have
 * been done and touches nothing. In act mode it checks the limits (limits.ts) and the executor's
 * preconditions, executes, records the timings and schedules the verification; a timer verifies
 * due actions (read from the database, so a restart keeps them). Whatever did not work — a limit or
 * precondition that stopped a needed action, an execution error, a fix that did not hold — becomes
 * a notify decision handed to `onEscalate`: triage never retries on its own, it tells a human.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { every, type Clock } from '../../platform/clock/clock.js';
import type { Policy } from '../policy/policy.schema.js';
import type { Decision, IncomingAlert } from '../types.js';
import type { ActionsSettings } from './actions.schema.js';
import { actionLabel, defaultVerifyQuery, isActionName, renderQuery, targetFromLabels, targetKey, type ActionRequest, type ActionTarget } from './catalogue.js';
import type { ActionExecutor, Check } from './executor.js';
import { ActionLimits } from './limits.js';
import { queryIsEmpty } from './prometheus.js';
import { ActionsLog, type ActionRecord } from './records.js';
import type { ActionsDatabase } from './schema.js';

/** What the runner may use besides the decision (the lead adapts the service's context to it). */
export interface ActionContext {
  alert?: IncomingAlert;
}

/** How to build the runner. */
export interface ActionRunnerOptions {
  policy: Policy;
  db: ActionsDatabase;
  /** Required when the policy has an actions section (see createExecutor). */
  executor?: ActionExecutor;
  /** The triage clock: action times, verification due times and the verification timer. */
  clock: Clock;
  logger: Logger;
  /** Receives every notify decision the runner creates (already saved when `saveDecision` is given). */
  onEscalate: (decision: Decision) => void | Promise<void>;
  /** Saves a decision the runner creates (the store's saveDecision), so the page shows it. */
  saveDecision?: (decision: Decision) => Promise<void>;
  newId?: () => string;
}

/** How long after its due time a verification may wait for Prometheus to answer before it counts as failed. */
export const verifyGraceMs = 10 * 60_000;

/** Runs, limits and verifies catalogue actions for `act` decisions. */
export class ActionRunner {
  readonly log: ActionsLog;
  private readonly limits: ActionLimits | undefined;
  private readonly settings: ActionsSettings | undefined;
  private readonly newId: () => string;
  private stopTimer: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ActionRunnerOptions) {
    this.settings = opts.policy.actions;
    this.log = new ActionsLog(opts.db);
    this.limits = this.settings ? new ActionLimits(opts.db, this.settings) : undefined;
    this.newId = opts.newId ?? randomUUID;
    if (this.settings && opts.policy.mode === 'act' && !opts.executor) throw new Error('ActionRunner: act mode with an actions section needs an executor (createExecutor)');
  }

  /** Handles one decision; only route `act` with an action is acted on. Returns the action row, if one was made. */
  handle(decision: Decision, _ctx: ActionContext = {}): Promise<ActionRecord | undefined> {
    if (decision.route !== 'act' || decision.action === null) return Promise.resolve(undefined);
    // One at a time: the limit checks and the row that counts against them must not interleave.
    return this.serial(() => this.act(decision));
  }

  /** Starts the verification timer (actions.checkIntervalSeconds; none without an actions section). */
  start(): void {
    if (this.stopTimer || !this.settings) return;
    this.stopTimer = every(this.opts.clock, this.settings.checkIntervalSeconds * 1000, () => {
      this.verifyDue().catch((err: Error) => this.opts.logger.error({ err: err.message }, 'action verification pass failed'));
    }, { unref: true });
  }

  /** Stops the timer and waits for the work in progress. */
  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = undefined;
    await this.chain.catch(() => {});
  }

  /** Verifies every executed action whose time has come (the timer calls this); returns the rows it settled. */
  verifyDue(now: number = this.opts.clock.now()): Promise<ActionRecord[]> {
    return this.serial(async () => {
      const settled: ActionRecord[] = [];
      for (const row of await this.log.due(now)) {
        const done = await this.verifyOne(row, now);
        if (done) settled.push(done);
      }
      return settled;
    });
  }

  /** A human acknowledges a failed action (and every failure of its target): triage may act there again. */
  acknowledge(actionId: string): Promise<number> {
    return this.serial(() => this.log.acknowledge(actionId, this.opts.clock.now()));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => {});
    return next;
  }

  private async act(decision: Decision): Promise<ActionRecord> {
    const now = this.opts.clock.now();
    const planned = decision.action!;
    const base = { decisionId: decision.id, fingerprint: decision.fingerprint, alertname: decision.alertname, name: planned.name, target: planned.target, mode: decision.mode, createdAt: now };
    const found = isActionName(planned.name) ? targetFromLabels(planned.name, planned.target) : { ok: false as const, reason: `${planned.name} is not in the catalogue.` };
    if (!found.ok || !isActionName(planned.name)) {
      const row = await this.log.insert({ ...base, targetKey: '', status: 'skipped', reason: found.ok ? 'Not a catalogue action.' : found.reason });
      await this.escalate(decision, row, [`Triage could not act: ${row.reason}`]);
      return row;
    }
    const req: ActionRequest = { name: planned.name, target: found.target };
    const key = targetKey(req.target);
    const label = actionLabel(req);
    if (this.opts.policy.mode !== 'act' || decision.mode !== 'act' || !planned.execute) {
      const why = this.opts.policy.mode !== 'act' || decision.mode !== 'act' ? 'Observe mode' : 'Not executed (the policy has no actions section)';
      return this.log.insert({ ...base, targetKey: key, status: 'planned', reason: `${why}: ${label} would be executed; nothing was done.` });
    }
    const executor = this.opts.executor!;
    const limit = await this.limits!.check(key, decision.fingerprint, now);
    if (!limit.allowed) {
      const row = await this.log.insert({ ...base, targetKey: key, status: 'skipped', reason: limit.reason });
      if (limit.escalate) await this.escalate(decision, row, [`Triage did not run ${label}: ${limit.reason}`]);
      return row;
    }
    const pre = await safely(() => executor.precondition(req));
    if (!pre.ok) {
      const row = await this.log.insert({ ...base, targetKey: key, status: 'skipped', reason: `Precondition not met: ${pre.detail}` });
      await this.escalate(decision, row, [`Triage did not run ${label}: ${pre.detail}`]);
      return row;
    }
    const verify = this.verifySettings(decision, req.target);
    // The row is written before the executor runs, so a crash mid-action still counts against the limits.
    const started = await this.log.insert({
      ...base, targetKey: key, status: 'executed', reason: pre.detail, executedAt: now, verifyAt: now + verify.afterMinutes * 60_000,
      result: 'started', verify: verify.query === undefined ? {} : { query: verify.query },
    });
    try {
      const done = await executor.execute(req);
      const row = await this.log.update(started.id, { result: done.detail, verify: { ...started.verify, ...(done.facts ? { facts: done.facts } : {}) } });
      this.opts.logger.info({ action: req.name, target: key, id: row.id, verifyAt: row.verifyAt }, 'triage action executed');
      return row;
    } catch (err) {
      const message = (err as Error).message;
      const row = await this.log.update(started.id, { status: 'failed', result: message });
      this.opts.logger.error({ action: req.name, target: key, id: row.id }, 'triage action failed');
      await this.escalate(decision, row, [`${label} failed: ${message}`]);
      return row;
    }
  }

  /** The rule's verify settings, else the section's; the default query needs actions.prometheusUrl. */
  private verifySettings(decision: Decision, target: ActionTarget): { afterMinutes: number; query?: string } {
    const rule = this.opts.policy.rules.find((r) => r.name === decision.rule);
    const own = rule?.action?.verify;
    const afterMinutes = own?.afterMinutes ?? this.settings!.verifyAfterMinutes;
    if (this.settings!.prometheusUrl === undefined) return { afterMinutes };
    return { afterMinutes, query: own?.query !== undefined ? renderQuery(own.query, decision.alertname, target) : defaultVerifyQuery(decision.alertname, target) };
  }

  /** Reads one verification; null when Prometheus could not be read and the grace period is not over. */
  private async verifyOne(row: ActionRecord, now: number): Promise<ActionRecord | null> {
    const req = requestOf(row);
    const minutes = Math.round(((row.verifyAt ?? now) - (row.executedAt ?? now)) / 60_000);
    let check: Check;
    if (row.verify.query !== undefined && this.settings?.prometheusUrl !== undefined) {
      const out = await queryIsEmpty(this.settings.prometheusUrl, row.verify.query);
      if (!out.ok && now < (row.verifyAt ?? now) + verifyGraceMs) {
        this.opts.logger.warn({ id: row.id, error: out.error }, 'verification postponed: Prometheus could not be read');
        return null;
      }
      check = !out.ok
        ? { ok: false, detail: `the verification could not be read: ${out.error}` }
        : out.empty
          ? { ok: true, detail: `${row.verify.query} returned nothing after ${minutes} minutes.` }
          : { ok: false, detail: `${row.verify.query} still matches ${out.series.join(', ')} after ${minutes} minutes` };
    } else if (req !== undefined && this.opts.executor) {
      const executor = this.opts.executor;
      check = await safely(() => executor.verify(req, row.verify.facts ?? {}));
      if (!check.ok) check = { ok: false, detail: `${check.detail} (after ${minutes} minutes)` };
    } else {
      check = { ok: false, detail: 'nothing could verify it (no Prometheus query and no executor).' };
    }
    if (check.ok) return this.log.update(row.id, { status: 'verified', verifiedAt: now, result: check.detail });
    const failed = await this.log.update(row.id, { status: 'verify-failed', verifiedAt: now, result: check.detail });
    const decision = await this.log.decision(row.decisionId);
    await this.escalate(decision ?? orphanDecision(row), failed, [`${row.name} on ${row.targetKey} did not fix it: ${check.detail}`]);
    return failed;
  }

  /** A notify decision about the action's alert, saved and handed to onEscalate. */
  private async escalate(about: Decision, row: ActionRecord, reasons: string[]): Promise<void> {
    const decision: Decision = {
      ...about,
      id: this.newId(),
      route: 'notify',
      status: 'firing',
      reasons: [...reasons, `Action ${row.id} (${row.status}); triage will not act on ${row.targetKey || 'it'} again until a human acknowledges it.`],
      action: { name: row.name, target: row.target, execute: row.executedAt !== null },
      at: this.opts.clock.now(),
    };
    if (row.status === 'skipped') decision.reasons[decision.reasons.length - 1] = `Action ${row.id} (skipped).`;
    try {
      await this.opts.saveDecision?.(decision);
      await this.opts.onEscalate(decision);
    } catch (err) {
      this.opts.logger.error({ id: row.id, err: (err as Error).message }, 'escalating an action outcome failed');
    }
  }
}

function requestOf(row: ActionRecord): ActionRequest | undefined {
  if (!isActionName(row.name)) return undefined;
  const found = targetFromLabels(row.name, row.target);
  return found.ok ? { name: row.name, target: found.target } : undefined;
}

/** A stand-in when the action's decision was not saved (tests, or a decision row removed). */
function orphanDecision(row: ActionRecord): Decision {
  return {
    id: row.decisionId, deliveryId: 'actions', fingerprint: row.fingerprint, alertname: row.alertname, severity: '', status: 'firing', class: 'routine',
    route: 'act', rule: null, reasons: [], action: null, mode: row.mode, at: row.createdAt,
  };
}

/** An executor call that throws becomes a failed check with its message. */
async function safely(call: () => Promise<Check>): Promise<Check> {
  try {
    return await call();
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}
