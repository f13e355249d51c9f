/**
 * `kona triage` put together: the policy file, the triage database, the engine, the heartbeat
 * watch and the HTTP service. The heartbeat is checked on a timer: a Watchdog missing for longer
 * than its window is itself an escalation (recorded as a notify decision), and so is its return.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DatabaseTarget } from '../platform/db/driver.js';
import { TriageEngine } from './engine/engine.js';
import { HeartbeatWatch, type HeartbeatEvent } from './engine/heartbeat.js';
import type { TriageAuth } from './ingest/auth.js';
import { loadPolicy } from './policy/policy.load.js';
import { startTriageServer, type RunningTriageServer } from './server.js';
import { openTriageStore, type TriageStore } from './store/store.js';
import type { Decision } from './types.js';

/** How to start the service. */
export interface TriageServiceOptions {
  policyFile: string;
  database: DatabaseTarget;
  auth: TriageAuth;
  logger: Logger;
  host?: string;
  port?: number;
  /** How often the heartbeat is checked (default 30 s). */
  heartbeatTickMs?: number;
  /** The triage clock (ms since the epoch; tests pin it). */
  now?: () => number;
  defaultMetrics?: boolean;
}

/** A running triage service. */
export interface TriageService {
  url: string;
  store: TriageStore;
  server: RunningTriageServer;
  heartbeat: HeartbeatWatch;
  /** Checks the heartbeat now (the timer calls this); returns the decision it recorded, if any. */
  checkHeartbeat(): Promise<Decision | undefined>;
  close(): Promise<void>;
}

/** Loads the policy (a bad file throws PolicyError naming lines), opens the database and listens. */
export async function startTriageService(opts: TriageServiceOptions): Promise<TriageService> {
  const policy = loadPolicy(opts.policyFile);
  const clock = { now: opts.now ?? (() => Date.now()) };
  const store = await openTriageStore(opts.database);
  let server: RunningTriageServer | undefined;
  try {
    const heartbeat = new HeartbeatWatch({ alertname: policy.heartbeat.alertname, windowMinutes: policy.heartbeat.windowMinutes, clock });
    const engine = new TriageEngine({ policy, state: store.state, clock, heartbeat });
    server = await startTriageServer({
      store, engine, auth: opts.auth, logger: opts.logger, mode: () => policy.mode, now: clock.now,
      host: opts.host, port: opts.port, defaultMetrics: opts.defaultMetrics,
    });
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
      opts.logger[event.kind === 'lost' ? 'error' : 'info']({ alertname: decision.alertname, route: 'notify' }, event.kind === 'lost' ? 'heartbeat lost' : 'heartbeat back');
      return decision;
    };
    const checkHeartbeat = async () => {
      const event = heartbeat.tick();
      return event ? decide(event) : undefined;
    };
    const timer = setInterval(() => {
      checkHeartbeat().catch((err: Error) => opts.logger.error({ err: err.name }, 'heartbeat check failed'));
    }, opts.heartbeatTickMs ?? 30_000);
    timer.unref();
    const running = server;
    opts.logger.info({ url: running.url, mode: policy.mode, rules: policy.rules.length }, 'triage is listening');
    return {
      url: running.url, store, server: running, heartbeat, checkHeartbeat,
      async close() {
        clearInterval(timer);
        await running.close();
        await store.close();
      },
    };
  } catch (err) {
    await server?.close();
    await store.close();
    throw err;
  }
}
