/**
 * `kona triage` put together: the policy file, the triage database, the engine, the heartbeat
 * watch, and the modules the policy turns on, in the order a decision meets them:
 *
 *   engine (classify, deduplicate, route; a routine action held while the metrics show recovery,
 *   or stopped by its restart budget) → advisor (may make an act decision more cautious, before
 *   it is saved) → action runner (act decisions: limits, preconditions, execution, verification) →
 *   escalator (notify and diagnose decisions, and the notify decisions the runner and the heartbeat
 *   create) → diagnoser (diagnose decisions, when enabled, with the infrastructure context that
 *   context/ gathers from Prometheus, Kubernetes or the local targets).
 *
 * Every module reads its own policy section; without it, it does nothing (observe-only acts on
 * nothing, no escalation section messages nobody).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DispatcherClient } from '../inference/client.js';
import { every, systemClock, type Clock } from '../platform/clock/clock.js';
import type { DatabaseTarget } from '../platform/db/driver.js';
import { ActionRunner, actionRoutes, ActionsTable, createExecutor, withActionsTable, type ActionExecutor } from './actions/index.js';
import { Advisor, applyAdvice } from './diagnose/advisor.js';
import { buildContext, defaultContextSettings, type ContextSettings } from './context/index.js';
import { asDiagnosisDb, Diagnoser, listDiagnoses } from './diagnose/diagnoser.js';
import { namesFromFile } from './diagnose/names.js';
import type { DiagnosisSchema } from './diagnose/schema.js';
import { DiagnosesSection } from './diagnose/views.js';
import { TriageEngine, type Exclusive } from './engine/engine.js';
import { pendingPrefix } from './engine/routine.js';
import { HeartbeatWatch, type HeartbeatEvent } from './engine/heartbeat.js';
import { deliveryLockKeys } from './engine/lock-keys.js';
import { escalationRoutes, Escalator, EscalationsTable } from './escalate/index.js';
import type { TriageAuth } from './ingest/auth.js';
import { loadPolicy } from './policy/policy.load.js';
import { startTriageServer, type DeliveryProcessor, type RunningTriageServer } from './server.js';
import type { TriageSchema } from './store/schema.js';
import { openTriageStore, type TriageStore } from './store/store.js';
import type { Decision, Delivery } from './types.js';

/** How to start the service. */
export interface TriageServiceOptions {
  policyFile: string;
  database: DatabaseTarget;
  auth: TriageAuth;
  logger: Logger;
  host?: string;
  port?: number;
  /** How often the heartbeat and overdue routine alerts are checked (default 30 s). */
  heartbeatTickMs?: number;
  /** The triage clock (ms since the epoch) and its timers: decisions, windows, repeats, sweeps (default: the system clock; tests move their own). */
  clock?: Clock;
  defaultMetrics?: boolean;
  /** Kona's on-site dispatcher client, for the advisor (none: an enabled advisor counts as unavailable). */
  inference?: DispatcherClient;
  /** SMTP server for the email channel (Kona's KONA_SMTP_URL). */
  smtpUrl?: string;
  /** The executor to use in act mode instead of the policy's (tests). */
  executor?: ActionExecutor;
  /** A names file (one person or dog name a line) whose names are scrubbed from everything sent out (KONA_TRIAGE_NAMES_FILE). */
  namesFile?: string;
  /** Where the diagnosis context and the recovery check read (KONA_TRIAGE_PROMETHEUS_URL, KONA_TRIAGE_CONTEXT_*, KONA_TRIAGE_KUBERNETES). */
  context?: Partial<ContextSettings>;
}

/** A running triage service. */
export interface TriageService {
  url: string;
  store: TriageStore;
  server: RunningTriageServer;
  heartbeat: HeartbeatWatch;
  runner: ActionRunner;
  escalator: Escalator;
  /** Checks the heartbeat now (the timer calls this); returns the decision it recorded, if any. */
  checkHeartbeat(): Promise<Decision | undefined>;
  /** Notifies routine alerts still firing past their rule's window (the timer calls this). */
  checkOverdue(): Promise<Decision[]>;
  /** Checks the alerts whose action is held while they recover; acts on those that stopped improving (the timer calls this). */
  checkRecovering(): Promise<Decision[]>;
  close(): Promise<void>;
}

/** Loads the policy (a bad file throws PolicyError naming lines), opens the database and listens. */
export async function startTriageService(opts: TriageServiceOptions): Promise<TriageService> {
  const policy = loadPolicy(opts.policyFile);
  const clock = opts.clock ?? systemClock;
  const { logger } = opts;
  const store = await openTriageStore(opts.database);
  // The triage migrations create every module's tables; each module declares its own.
  const db = store.db.kysely as unknown as Kysely<TriageSchema & DiagnosisSchema>;
  let server: RunningTriageServer | undefined;
  const stops: Array<() => unknown> = [];
  try {
    // Only act mode with an actions section loads an executor (observe mode never loads the Kubernetes client).
    const executor = policy.mode === 'act' && policy.actions ? (opts.executor ?? (await createExecutor(policy.actions, clock))) : undefined;
    // One names list for everything that leaves: messages, the advisor's prompt, the diagnosis.
    const knownNames = opts.namesFile === undefined ? undefined : namesFromFile(opts.namesFile, (err) => logger.warn({ err: err.name }, 'names file unreadable; the last names are kept'));
    const escalator = new Escalator({ policy: policy.escalation, db: store.db.kysely, clock, logger, smtpUrl: opts.smtpUrl, rules: policy.rules, knownNames });
    const history = (fingerprint: string) => store.decisionsFor(fingerprint, 10);
    const escalate = async (decision: Decision, alert?: Pick<Delivery['alerts'][number], 'labels' | 'annotations'>) => {
      if (!escalator.enabled) return;
      // Only a firing notify/diagnose decision can open an escalation, the one place its history is shown.
      const opens = decision.status === 'firing' && (decision.route === 'notify' || decision.route === 'diagnose');
      await escalator.handle(decision, { alert: alert ? { labels: alert.labels, annotations: alert.annotations } : undefined, history: opens ? await history(decision.fingerprint) : [] });
    };
    const runner = new ActionRunner({
      policy, db: withActionsTable(store.db.kysely), executor, clock, logger,
      onEscalate: (decision) => escalate(decision),
      saveDecision: (decision) => store.state.saveDecision(decision),
    });
    const advisor = new Advisor({ policy: policy.advisor, client: opts.inference, clock, knownNames });
    const diagnoser = new Diagnoser({ policy: policy.diagnosis, db: asDiagnosisDb(db), clock, logger, knownNames });
    const heartbeat = new HeartbeatWatch({ alertname: policy.heartbeat.alertname, windowMinutes: policy.heartbeat.windowMinutes, clock });
    const { gatherer, recovery } = await buildContext({ ...defaultContextSettings, ...opts.context }, policy, clock);
    const engine = new TriageEngine({
      policy, state: store.state, clock, heartbeat, recovery,
      ...(advisor.enabled ? { review: async (decision, alert) => applyAdvice(decision, await advisor.review(decision, alert)) } : {}),
    });
    // Sweep and settlement writes run with no pass beside them (the server's exclusive lock), once it listens.
    const exclusive: Exclusive = (fn) => (server ? server.serially(fn) : fn());
    const actOn = async (decisions: Decision[]) => {
      for (const decision of decisions) {
        await runner.handle(decision);
        await escalate(decision, await store.state.getAlert(decision.fingerprint));
      }
      return decisions;
    };
    // A hold whose recovery check was still out when its delivery was decided is settled once it answers.
    const settleLater = (fingerprint: string) => {
      void engine.settlePending(fingerprint, exclusive).then(actOn).catch((err: Error) => logger.error({ err: err.name }, 'recovery settlement failed'));
    };
    const processor: DeliveryProcessor = {
      lockKeys: deliveryLockKeys,
      // The engine's pass over the SQL state marks the delivery processed in the same write as its decisions.
      marksProcessed: true,
      async process(delivery, now) {
        const decisions = await engine.process(delivery, now);
        for (const decision of decisions) {
          if (decision.route === 'record' && decision.reasons.at(-1)?.startsWith(pendingPrefix)) settleLater(decision.fingerprint);
          const alert = delivery.alerts.find((a) => a.fingerprint === decision.fingerprint);
          await runner.handle(decision, { alert });
          // Neither waits on a slow channel or model: both record their own failures.
          void escalate(decision, alert).catch((err: Error) => logger.error({ err: err.name }, 'escalation failed'));
          if (decision.route === 'diagnose' && diagnoser.accepts(decision)) {
            // The context is read only for what will be sent, each source under the context deadline.
            void (async () => diagnoser.handle(decision, { alert, history: await history(decision.fingerprint), ...(alert ? await gatherer.gather(alert) : {}) }))()
              .catch((err: Error) => logger.error({ err: err.name }, 'diagnosis failed'));
          }
        }
        return decisions;
      },
    };
    server = await startTriageServer({
      store, engine: processor, auth: opts.auth, logger, mode: () => policy.mode, now: () => clock.now(),
      host: opts.host, port: opts.port, defaultMetrics: opts.defaultMetrics,
      openPrefixes: ['/ack/'],
      register: (app) => {
        void app.register(actionRoutes, { runner });
        void app.register(escalationRoutes, { escalator });
      },
      pageSections: async () => {
        const [actions, escalations, diagnoses] = await Promise.all([runner.log.list(), escalator.list(), listDiagnoses(asDiagnosisDb(db))]);
        return (
          <>
            <h2>Actions</h2>
            <ActionsTable actions={actions} configured={policy.actions !== undefined} mode={policy.mode} />
            <h2>Escalations</h2>
            <EscalationsTable escalations={escalations} enabled={escalator.enabled} />
            <DiagnosesSection enabled={diagnoser.enabled} records={diagnoses} />
          </>
        );
      },
    });
    runner.start();
    escalator.start();
    diagnoser.start();
    stops.push(() => runner.stop(), () => escalator.stop(), () => diagnoser.stop(), () => advisor.stop());

    const decide = async (event: HeartbeatEvent): Promise<Decision> => {
      const decision: Decision = {
        id: randomUUID(),
        deliveryId: 'heartbeat',
        fingerprint: `heartbeat:${policy.heartbeat.alertname}`,
        alertname: policy.heartbeat.alertname,
        severity: 'critical',
        status: event.kind === 'lost' ? 'firing' : 'resolved',
        class: 'serious',
        route: 'notify',
        rule: null,
        reasons: event.kind === 'lost'
          ? [event.escalation.reason]
          : [`The ${policy.heartbeat.alertname} heartbeat is back after ${Math.round(event.missingForMs / 60_000)} minutes missing.`],
        action: null,
        mode: policy.mode,
        at: clock.now(),
      };
      await store.state.saveDecision(decision);
      logger[event.kind === 'lost' ? 'error' : 'info']({ alertname: decision.alertname, route: 'notify' }, event.kind === 'lost' ? 'heartbeat lost' : 'heartbeat back');
      await escalate(decision);
      return decision;
    };
    const checkHeartbeat = async () => {
      const event = heartbeat.tick();
      return event ? decide(event) : undefined;
    };
    const running = server;
    const checkOverdue = async () => {
      // In turn with the deliveries' passes: both read and write the same alerts.
      const decisions = await running.serially(async () => {
        const found = await engine.overdue(clock.now());
        return Promise.all(found.map(async (d) => ({ decision: d, alert: await store.state.getAlert(d.fingerprint) })));
      });
      for (const { decision, alert } of decisions) await escalate(decision, alert);
      return decisions.map((d) => d.decision);
    };
    // Prometheus is asked outside the lock; only the writes hold the passes back.
    const checkRecovering = async () => actOn(await engine.watchRecovering(clock.now(), exclusive));
    const stopSweeps = every(clock, opts.heartbeatTickMs ?? 30_000, () => {
      checkHeartbeat().catch((err: Error) => logger.error({ err: err.name }, 'heartbeat check failed'));
      checkOverdue().catch((err: Error) => logger.error({ err: err.name }, 'overdue check failed'));
      checkRecovering().catch((err: Error) => logger.error({ err: err.name }, 'recovery watch failed'));
    }, { unref: true });
    logger.info({ url: running.url, mode: policy.mode, rules: policy.rules.length }, 'triage is listening');
    return {
      url: running.url, store, server: running, heartbeat, runner, escalator, checkHeartbeat, checkOverdue, checkRecovering,
      async close() {
        stopSweeps();
        await running.close();
        for (const stop of stops) await stop();
        await store.close();
      },
    };
  } catch (err) {
    await server?.close();
    for (const stop of stops) await stop();
    await store.close();
    throw err;
  }
}
