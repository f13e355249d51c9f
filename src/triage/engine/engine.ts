import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock/clock.js';
import type { Trend } from '../context/trend.js';
import type { Policy } from '../policy/policy.schema.js';
import type { AlertStatus, Decision, Delivery, IncomingAlert, PassScope, RecoveryWatch, Route, StoredAlert, TriageState } from '../types.js';
import { withOwnFingerprint } from '../ingest/fingerprint.js';
import { classify, type Classification } from './classify.js';
import type { HeartbeatWatch } from './heartbeat.js';
import { podOwner, withoutPodIdentity } from './owner.js';
import { classReason, flappingPrefix, flappingReason, quoteLabel, routeFiring, type Routing } from './route.js';
import {
  applyBudget, defaultRecoveryWaitMs, notRecoveringReason, pendingPrefix, recoveringPrefix, recoveryRouting, RecoveryWait, runRecoveryCheck, spendBudget,
  wantsRecoveryCheck, type RecoveryCheck,
} from './routine.js';

/** The alertname of the extra decision made for a delivery from which Alertmanager left alerts out. */
export const truncatedAlertname = 'TriageTruncatedGroup';

/** What the engine needs; `newId` makes decision ids deterministic in tests. */
export interface TriageEngineOptions {
  policy: Policy;
  state: TriageState;
  clock: Clock;
  newId?: () => string;
  /**
   * A second opinion on `act` decisions before they are saved (the model advisor). It may only make
   * a decision more cautious: anything it returns other than the same act decision or a notify is
   * ignored.
   */
  review?: (decision: Decision, alert: IncomingAlert) => Promise<Decision>;
  /** Told about every Watchdog that arrives; the server ticks it on a timer. */
  heartbeat?: HeartbeatWatch;
  /** Whether an alert's value is already recovering (Prometheus); without it no action is held (see routine.ts). */
  recovery?: RecoveryCheck;
  /** How long one delivery's decisions wait on recovery checks, all together (ms; default 200); a check still out is settled later. */
  recoveryWaitMs?: number;
}

/** Runs work with no delivery's pass beside it (the server's exclusive lock); directly by default. */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

/** A recovery check still out after its delivery's wait (kept in the process: the watch row says it is pending). */
interface InFlightCheck {
  trend: Promise<Trend>;
  answered: Trend | undefined;
}

const humanRoutes: ReadonlySet<Route | ''> = new Set(['notify', 'diagnose']);

/**
 * Decides what to do with each alert of a delivery: classify by the policy, deduplicate, detect
 * flapping, route. Pure apart from the state it is given; it executes nothing.
 */
export class TriageEngine {
  private readonly newId: () => string;
  /** Recovery checks still out after their delivery's wait, by fingerprint (the newest per alert). */
  private readonly inFlight: Map<string, InFlightCheck>;

  /** `inFlight` is given only to a pass's engine, which must share its parent's checks (see process). */
  constructor(private readonly opts: TriageEngineOptions, inFlight?: Map<string, InFlightCheck>) {
    this.newId = opts.newId ?? randomUUID;
    this.inFlight = inFlight ?? new Map();
  }

  /**
   * One decision per alert (plus one for a truncated group), each saved before the next is made;
   * over a state with passes (the SQL one), read up front and saved together at the end.
   */
  async process(delivery: Delivery, now: number = this.opts.clock.now()): Promise<Decision[]> {
    const pass = await this.opts.state.beginPass?.(this.passScope(delivery));
    if (pass === undefined) return this.decideAll(delivery, now);
    // The pass's engine shares this one's checks in flight: they outlive the pass.
    const decisions = await new TriageEngine({ ...this.opts, state: pass, newId: this.newId }, this.inFlight).decideAll(delivery, now);
    await pass.commit(this.opts.clock.now());
    return decisions;
  }

  /** What a pass over the delivery reads: its alerts (by triage's own fingerprint), their pods' siblings (renamedSibling) and the two windows. */
  private passScope(delivery: Delivery): PassScope {
    const { flapping, duplicates } = this.opts.policy;
    return {
      deliveryId: delivery.id,
      fingerprints: delivery.alerts.map((a) => withOwnFingerprint(a).fingerprint),
      siblings: delivery.alerts.flatMap((a) => (a.labels.pod !== undefined && podOwner(a.labels) !== undefined
        ? [{ alertname: a.labels.alertname ?? '', labels: withoutPodIdentity(a.labels) }] : [])),
      transitionsSince: delivery.receivedAt - flapping.windowMinutes * 60_000,
      bodySha256: delivery.bodySha256,
      resendSince: delivery.receivedAt - duplicates.resendWindowMinutes * 60_000,
    };
  }

  private async decideAll(delivery: Delivery, now: number): Promise<Decision[]> {
    const wait = new RecoveryWait(this.opts.clock, this.opts.recoveryWaitMs ?? defaultRecoveryWaitMs);
    try {
      return await this.decideEach(delivery, now, wait);
    } finally {
      wait.close();
    }
  }

  private async decideEach(delivery: Delivery, now: number, wait: RecoveryWait): Promise<Decision[]> {
    const resend = await this.earlierCopy(delivery);
    const decisions: Decision[] = [];
    // Ingest already keys alerts by triage's own fingerprint; a Delivery built elsewhere is keyed here, never by the sender's.
    for (const alert of delivery.alerts.map(withOwnFingerprint)) {
      if (this.isHeartbeat(alert) && alert.status === 'firing') this.opts.heartbeat?.seen(delivery.receivedAt);
      let decision = resend
        ? this.decision(delivery, alert, this.classifyAlert(alert), now, await this.resendRouting(alert, delivery, resend))
        : await this.decide(delivery, alert, now, wait);
      if (decision.route === 'act' && this.opts.review) decision = await this.reviewed(decision, alert);
      if (decision.route === 'act') await spendBudget(this.opts.state, this.classifyAlert(alert).rule, alert.labels, delivery.receivedAt);
      await this.opts.state.saveDecision(decision);
      decisions.push(decision);
    }
    if (delivery.truncatedAlerts > 0) {
      const decision = this.truncatedDecision(delivery, now, resend?.id);
      await this.opts.state.saveDecision(decision);
      decisions.push(decision);
    }
    return decisions;
  }

  /** The reviewer's verdict, kept only when it is at least as cautious; a failing reviewer means notify. */
  private async reviewed(decision: Decision, alert: IncomingAlert): Promise<Decision> {
    try {
      const out = await this.opts.review!(decision, alert);
      const sameIdentity = out.id === decision.id && out.fingerprint === decision.fingerprint && out.class === decision.class;
      if (sameIdentity && (out.route === 'notify' || (out.route === 'act' && out.action?.name === decision.action?.name))) return out;
      return decision;
    } catch {
      return {
        ...decision, route: 'notify', action: decision.action ? { ...decision.action, execute: false } : null,
        reasons: [...decision.reasons, 'The second opinion on this action failed; a human decides.'],
      };
    }
  }

  /**
   * Routine conditions that should have ended by themselves (a rule's `resolveWithinMinutes`, e.g. a
   * probe blip) but are still firing: each becomes one notify decision, so a "blip" that never ends
   * is never hidden. Counted from the alert's `startsAt` (when it began firing). Alerts a human was
   * already told about, and those handed to the action runner (which verifies them), are skipped.
   * The service calls this on a timer.
   */
  async overdue(now: number = this.opts.clock.now()): Promise<Decision[]> {
    const { state, policy } = this.opts;
    const out: Decision[] = [];
    for (const stored of await state.firing()) {
      if (humanRoutes.has(stored.lastRoute) || stored.lastRoute === 'act' || stored.alertname === policy.heartbeat.alertname) continue;
      const c = classify(policy, stored.labels);
      const within = c.rule?.resolveWithinMinutes;
      if (c.rule === null || within === undefined) continue;
      const started = Date.parse(stored.startsAt);
      const since = Number.isFinite(started) ? started : stored.firstSeen;
      if (now - since < within * 60_000) continue;
      const decision: Decision = {
        id: this.newId(), deliveryId: 'overdue', fingerprint: stored.fingerprint, alertname: stored.alertname,
        severity: stored.labels.severity ?? '', status: 'firing', class: c.class, route: 'notify', rule: c.rule.name,
        reasons: [
          classReason(c, stored.alertname),
          `Still firing ${Math.floor((now - since) / 60_000)} minutes after it started; the rule expects it to end within ${within}, so it is no longer treated as routine.`,
        ],
        action: null, mode: policy.mode, at: now,
      };
      await state.saveDecision(decision);
      await state.putAlert({ ...stored, lastRoute: 'notify' });
      out.push(decision);
    }
    return out;
  }

  /** An earlier delivery with the same bytes inside the resend window (never the delivery itself). */
  private async earlierCopy(delivery: Delivery): Promise<{ id: string; receivedAt: number } | undefined> {
    const since = delivery.receivedAt - this.opts.policy.duplicates.resendWindowMinutes * 60_000;
    const hit = await this.opts.state.deliveryWithHash(delivery.bodySha256, since);
    return hit && hit.id !== delivery.id && hit.receivedAt <= delivery.receivedAt ? hit : undefined;
  }

  /** A resend's drop. */
  private async resendRouting(alert: IncomingAlert, delivery: Delivery, resend: { id: string; receivedAt: number }): Promise<Routing> {
    const reasons = [`Byte-identical resend of delivery ${resend.id} received ${Math.round((delivery.receivedAt - resend.receivedAt) / 1000)} s earlier.`];
    return this.carryFlapping(alert, { route: 'drop-duplicate', reasons, action: null });
  }

  /**
   * A duplicate keeps a told flapping episode's marker: `flapping` reads only the newest decision, and
   * a resend or a repeat inside the episode must not make the next change notify again.
   */
  private async carryFlapping(alert: IncomingAlert, routing: Routing): Promise<Routing> {
    if (routing.route !== 'drop-duplicate' || routing.reasons.some((r) => r.startsWith(flappingPrefix))) return routing;
    const prior = await this.opts.state.lastDecision(alert.fingerprint);
    if (!prior?.reasons.some((r) => r.startsWith(flappingPrefix))) return routing;
    return { ...routing, reasons: [...routing.reasons, `${flappingPrefix} still within the episode a human was told about; dropped.`] };
  }

  private isHeartbeat(alert: IncomingAlert): boolean {
    return alert.labels.alertname === this.opts.policy.heartbeat.alertname;
  }

  /** The heartbeat is triage's own business (routine, no rule); everything else goes by the rules. */
  private classifyAlert(alert: IncomingAlert): Classification {
    return this.isHeartbeat(alert) ? { class: 'routine', rule: null } : classify(this.opts.policy, alert.labels);
  }

  /** Decides about one alert of a delivery that is not a resend, and updates its stored state. */
  private async decide(delivery: Delivery, alert: IncomingAlert, now: number, wait: RecoveryWait): Promise<Decision> {
    const { state } = this.opts;
    const stored = await state.getAlert(alert.fingerprint);
    const c = this.classifyAlert(alert);
    // The first sighting counts as a transition: N transitions in a window is N status entries.
    const changed = stored === undefined || stored.status !== alert.status;
    if (alert.status === 'resolved' && stored?.lastRoute === 'record') await state.endWatch(alert.fingerprint);
    if (changed) await state.addTransition(alert.fingerprint, alert.status, delivery.receivedAt);
    const routing = this.isHeartbeat(alert) ? heartbeatRouting(alert.status) : await this.carryFlapping(alert, await this.route(delivery, alert, c, stored, changed, wait));
    await state.putAlert(nextStored(alert, stored, delivery.receivedAt, routing.route));
    return this.decision(delivery, alert, c, now, routing);
  }

  /** Dedup, flapping, resolution and rename checks, then the policy's routing. */
  private async route(delivery: Delivery, alert: IncomingAlert, c: Classification, stored: StoredAlert | undefined, changed: boolean, wait: RecoveryWait): Promise<Routing> {
    const first = classReason(c, alert.labels.alertname ?? '');
    const as = (route: Route, ...why: string[]): Routing => ({ route, reasons: [first, ...why], action: null });
    if (!changed && stored !== undefined) {
      if (alert.status === 'resolved') return as('drop-duplicate', 'Already resolved; a repeat of the resolution.');
      if (humanRoutes.has(stored.lastRoute)) return as('drop-duplicate', 'Still firing; a human was already told.');
      if (stored.lastRoute === 'act') return as('drop-duplicate', 'Still firing; its action was already planned and is not repeated.');
      return this.routine(routeFiring(this.opts.policy, c, alert.labels), c, alert, stored, delivery.receivedAt, wait);
    }
    const flapping = await this.flapping(delivery, alert);
    if (flapping !== undefined) return flapping.told ? as('drop-duplicate', flapping.reason) : as('notify', flapping.reason);
    if (alert.status === 'resolved') {
      if (stored === undefined) return as('record', 'Resolved; triage never saw it firing.');
      if (humanRoutes.has(stored.lastRoute)) return as('notify', 'Resolved; its firing was notified.');
      if (stored.lastRoute === '') return as('record', 'Resolved; its firing was a duplicate of another alert, so nobody is told.');
      return as('record', `Resolved; its firing was routed ${stored.lastRoute}, so nobody is told.`);
    }
    if (c.class !== 'unknown') {
      const sibling = await this.renamedSibling(alert);
      if (sibling !== undefined) return sibling.acted ? as('notify', sibling.reason) : as('drop-duplicate', sibling.reason);
    }
    return this.routine(routeFiring(this.opts.policy, c, alert.labels), c, alert, stored, delivery.receivedAt, wait);
  }

  /**
   * The restart budget, then the recovery hold, on a planned action (routine.ts). A held alert is
   * watched (a row in the state); a check still out after the delivery's wait holds it as pending
   * and is kept in flight for `settlePending` or the sweep.
   */
  private async routine(routing: Routing, c: Classification, alert: IncomingAlert, stored: StoredAlert | undefined, at: number, wait: RecoveryWait): Promise<Routing> {
    const { state, recovery } = this.opts;
    const budgeted = await applyBudget(state, c.rule, alert.labels, routing, at);
    const held = wantsRecoveryCheck(recovery, c.rule, budgeted) ? await this.checkWithin(recovery, alert, wait, budgeted) : { routing: budgeted };
    if (held.watch !== undefined) {
      await state.putWatch({ fingerprint: alert.fingerprint, labels: alert.labels, generatorURL: alert.generatorURL, since: at, pending: held.watch === 'pending' });
    } else if (stored?.lastRoute === 'record') {
      await state.endWatch(alert.fingerprint);
    }
    return held.routing;
  }

  /** Asks Prometheus within the delivery's wait; a check still out then stays in flight. */
  private async checkWithin(recovery: RecoveryCheck, alert: IncomingAlert, wait: RecoveryWait, routing: Routing): Promise<ReturnType<typeof recoveryRouting>> {
    const check: InFlightCheck = { trend: runRecoveryCheck(recovery, alert), answered: undefined };
    void check.trend.then((t) => (check.answered = t));
    const outcome = await wait.race(check.trend);
    if (outcome === 'late') this.inFlight.set(alert.fingerprint, check);
    return recoveryRouting(outcome, routing, wait.ms);
  }

  /**
   * Settles a hold whose check had not answered within its delivery's wait, once it answers: the
   * service calls this for each pending decision, outside any lock; the writes run under `exclusive`.
   * Returns the decisions made (none when a newer check has taken its place).
   */
  async settlePending(fingerprint: string, exclusive: Exclusive = (fn) => fn()): Promise<Decision[]> {
    const check = this.inFlight.get(fingerprint);
    if (check === undefined) return [];
    const trend = await check.trend;
    return exclusive(async () => {
      if (this.inFlight.get(fingerprint) !== check) return [];
      this.inFlight.delete(fingerprint);
      const watch = (await this.opts.state.watches()).find((w) => w.fingerprint === fingerprint);
      return watch ? this.settle([{ watch, trend }], this.opts.clock.now()) : [];
    });
  }

  /**
   * The watch sweep: every watched alert is checked again (in parallel, outside `exclusive`: a slow
   * Prometheus holds up no delivery; a check still in flight from a delivery is left to it); once its
   * value stops improving, the rule's action is planned (one act decision, within the budget). The
   * writes run under `exclusive`. The service calls this on a timer; returns the decisions made.
   */
  async watchRecovering(now: number = this.opts.clock.now(), exclusive: Exclusive = (fn) => fn()): Promise<Decision[]> {
    const { recovery } = this.opts;
    const due: RecoveryWatch[] = [];
    for (const watch of await this.opts.state.watches()) {
      const flying = this.inFlight.get(watch.fingerprint);
      if (flying !== undefined && flying.answered === undefined) continue;
      this.inFlight.delete(watch.fingerprint);
      due.push(watch);
    }
    const checked = await Promise.all(due.map(async (watch) => ({
      watch,
      trend: recovery ? await runRecoveryCheck(recovery, watch) : { state: 'unknown' as const, detail: 'no Prometheus is configured to watch it with' },
    })));
    return exclusive(async () => [...(await this.settle(checked, now)), ...(await this.unwatchedHolds(now))]);
  }

  /**
   * Holds with no watch row (made by a triage that kept its watches in memory): nothing to read
   * them with, so they count as not improving and the action goes ahead rather than stay held.
   */
  private async unwatchedHolds(now: number): Promise<Decision[]> {
    const watched = new Set((await this.opts.state.watches()).map((w) => w.fingerprint));
    const lost: Array<{ watch: RecoveryWatch; trend: Trend }> = [];
    for (const stored of await this.opts.state.firing()) {
      if (stored.lastRoute !== 'record' || watched.has(stored.fingerprint)) continue;
      const last = await this.opts.state.lastDecision(stored.fingerprint);
      if (last?.route !== 'record' || !last.reasons.some((r) => r.startsWith(recoveringPrefix) || r.startsWith(pendingPrefix))) continue;
      lost.push({ watch: { fingerprint: stored.fingerprint, labels: stored.labels, generatorURL: '', since: last.at, pending: false }, trend: { state: 'unknown', detail: 'its watch was not kept (held by an earlier triage)' } });
    }
    return this.settle(lost, now);
  }

  /** Applies checked trends to their holds: still improving stays held; anything else plans the rule's action. */
  private async settle(checked: ReadonlyArray<{ watch: RecoveryWatch; trend: Trend }>, now: number): Promise<Decision[]> {
    const { state, policy } = this.opts;
    const out: Decision[] = [];
    for (const { watch, trend } of checked) {
      const stored = await state.getAlert(watch.fingerprint);
      const c = stored && classify(policy, stored.labels);
      // Resolved, acted on, told about, or the rule changed since: the hold is over.
      if (stored?.status !== 'firing' || stored.lastRoute !== 'record' || c?.rule?.action?.watchRecovery !== true || !c.rule.action.enabled) {
        await state.endWatch(watch.fingerprint);
        continue;
      }
      const base = { id: this.newId(), deliveryId: 'watch', fingerprint: stored.fingerprint, alertname: stored.alertname, severity: stored.labels.severity ?? '', status: 'firing' as const, class: c.class, rule: c.rule.name, mode: policy.mode, at: now };
      if (trend.state === 'improving') {
        if (!watch.pending) continue;
        await state.putWatch({ ...watch, pending: false });
        const held = recoveryRouting(trend, routeFiring(policy, c, stored.labels), 0).routing;
        const decision: Decision = { ...base, route: 'record', reasons: held.reasons, action: null };
        await state.saveDecision(decision);
        out.push(decision);
        continue;
      }
      await state.endWatch(watch.fingerprint);
      const routing = await applyBudget(state, c.rule, stored.labels, routeFiring(policy, c, stored.labels), now);
      const why = watch.pending ? notRecoveringReason(trend) : `Stopped improving while watched: ${trend.detail}.`;
      let decision: Decision = { ...base, route: routing.route, reasons: [...routing.reasons, why], action: routing.action };
      const alert: IncomingAlert = { ...stored, generatorURL: watch.generatorURL };
      if (decision.route === 'act' && this.opts.review) decision = await this.reviewed(decision, alert);
      if (decision.route === 'act') await spendBudget(state, c.rule, stored.labels, now);
      await state.saveDecision(decision);
      await state.putAlert({ ...stored, lastRoute: decision.route });
      out.push(decision);
    }
    return out;
  }

  /** Flapping when the transitions in the window reach the policy's count; `told` once a human knows. */
  private async flapping(delivery: Delivery, alert: IncomingAlert): Promise<{ reason: string; told: boolean } | undefined> {
    const { transitions, windowMinutes } = this.opts.policy.flapping;
    const since = delivery.receivedAt - windowMinutes * 60_000;
    const count = await this.opts.state.countTransitions(alert.fingerprint, since);
    if (count < transitions) return undefined;
    const last = await this.opts.state.lastDecision(alert.fingerprint);
    const told = last !== undefined && last.at >= since && last.reasons.some((r) => r.startsWith(flappingPrefix));
    return told
      ? { reason: `${flappingPrefix} still within the episode a human was told about; dropped.`, told }
      : { reason: flappingReason(count, windowMinutes), told };
  }

  /**
   * A firing sibling of a restarted pod: same alertname and the same labels apart from the pod's own
   * identity (pod, uid), another pod, same owner (see owner.ts). Requiring every other label to be
   * equal keeps DaemonSet pods on different nodes apart (their instance or node differs). Notified →
   * this is a duplicate; acted on → notify, because the condition is back on the owner's new pod and
   * acting again would loop.
   */
  private async renamedSibling(alert: IncomingAlert): Promise<{ reason: string; acted: boolean } | undefined> {
    const { labels } = alert;
    const owner = podOwner(labels);
    if (owner === undefined || labels.pod === undefined) return undefined;
    const same = withoutPodIdentity(labels);
    const size = Object.keys(same).length;
    const siblings = (await this.opts.state.firingWith(labels.alertname ?? '', same)).filter((s) =>
      s.fingerprint !== alert.fingerprint && s.labels.pod !== labels.pod && Object.keys(withoutPodIdentity(s.labels)).length === size && podOwner(s.labels) === owner);
    const where = `${quoteLabel(labels.namespace ?? '')}/${quoteLabel(owner)}`;
    const notified = siblings.find((s) => humanRoutes.has(s.lastRoute));
    if (notified) return { acted: false, reason: `Pod ${quoteLabel(labels.pod)} is a restarted sibling of pod ${quoteLabel(notified.labels.pod ?? '')} (owner ${where}), already notified.` };
    const acted = siblings.find((s) => s.lastRoute === 'act');
    if (acted) return { acted: true, reason: `An action is already planned for pod ${quoteLabel(acted.labels.pod ?? '')} of the same owner ${where}; not acting again.` };
    return undefined;
  }

  private decision(delivery: Delivery, alert: IncomingAlert, c: Classification, now: number, routing: Routing): Decision {
    return {
      id: this.newId(),
      deliveryId: delivery.id,
      fingerprint: alert.fingerprint,
      alertname: alert.labels.alertname ?? '',
      severity: alert.labels.severity ?? '',
      status: alert.status,
      class: c.class,
      route: routing.route,
      rule: c.rule?.name ?? null,
      reasons: alert.sentFingerprint === undefined ? routing.reasons : [...routing.reasons, forgedReason(alert.sentFingerprint, alert.fingerprint)],
      action: routing.action,
      mode: this.opts.policy.mode,
      at: now,
    };
  }

  /** Alertmanager's max_alerts cut the group: a human is told, since those alerts were never triaged. */
  private truncatedDecision(delivery: Delivery, now: number, resendOf: string | undefined): Decision {
    const n = delivery.truncatedAlerts;
    const reasons = resendOf !== undefined
      ? [`Byte-identical resend of delivery ${resendOf}, which already reported the truncated group.`]
      : [`Alertmanager left ${n} alert${n === 1 ? '' : 's'} of this group out of the delivery (max_alerts); they were not triaged, so a human must look.`];
    return {
      id: this.newId(),
      deliveryId: delivery.id,
      fingerprint: truncatedFingerprint(delivery.groupKey),
      alertname: truncatedAlertname,
      severity: '',
      status: delivery.status,
      class: 'unknown',
      route: resendOf !== undefined ? 'drop-duplicate' : 'notify',
      rule: null,
      reasons,
      action: null,
      mode: this.opts.policy.mode,
      at: now,
    };
  }
}

/** A stable 16-hex-digit fingerprint for a group's truncation decisions (not an alert's: no labels). */
export function truncatedFingerprint(groupKey: string): string {
  return createHash('sha256').update(`${truncatedAlertname}\u0000${groupKey}`).digest('hex').slice(0, 16);
}

/** Starts the reason that flags a delivery whose fingerprint disagrees with the alert's labels. */
export const fingerprintMismatchPrefix = 'Fingerprint mismatch:';

function forgedReason(sent: string, own: string): string {
  return `${fingerprintMismatchPrefix} the delivery said ${quoteLabel(sent)}, but these labels give ${own}; triage keys the alert by its own fingerprint.`;
}

function heartbeatRouting(status: AlertStatus): Routing {
  return status === 'firing'
    ? { route: 'record', reasons: ['Heartbeat received: the alerting pipeline is alive.'], action: null }
    : { route: 'notify', reasons: ['The heartbeat alert resolved: Prometheus may have stopped evaluating its rules.'], action: null };
}

/** The alert's row after this delivery; a duplicate keeps the route of the decision it repeats. */
function nextStored(alert: IncomingAlert, stored: StoredAlert | undefined, at: number, route: Route): StoredAlert {
  return {
    fingerprint: alert.fingerprint,
    alertname: alert.labels.alertname ?? '',
    labels: alert.labels,
    annotations: alert.annotations,
    status: alert.status,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
    firstSeen: stored?.firstSeen ?? at,
    lastSeen: at,
    lastRoute: route === 'drop-duplicate' ? (stored?.lastRoute ?? '') : route,
  };
}
