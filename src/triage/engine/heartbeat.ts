/** A heartbeat escalation: the Watchdog alert has not arrived for longer than its window. */
export interface HeartbeatEscalation {
  alertname: string;
  /** When the last one arrived (ms), or undefined when none has since the watch started. */
  lastSeen: number | undefined;
  /** How long it has been missing (ms), counted from the last one or from the start of the watch. */
  missingForMs: number;
  reason: string;
}

/** Options for a heartbeat check. */
export interface HeartbeatCheck {
  alertname: string;
  windowMinutes: number;
  /** When watching began (ms): a fresh start is not an outage until one window has passed. */
  startedAt: number;
}

/** Pure: an escalation when the heartbeat has been missing longer than its window, else undefined. */
export function checkHeartbeat(opts: HeartbeatCheck, lastSeen: number | undefined, now: number): HeartbeatEscalation | undefined {
  const since = lastSeen ?? opts.startedAt;
  const missingForMs = now - since;
  if (missingForMs <= opts.windowMinutes * 60_000) return undefined;
  const minutes = Math.floor(missingForMs / 60_000);
  const reason = lastSeen === undefined
    ? `No ${opts.alertname} heartbeat has arrived in the ${minutes} minutes since triage started (window ${opts.windowMinutes}); the alerting pipeline may be broken.`
    : `The ${opts.alertname} heartbeat has been missing for ${minutes} minutes (window ${opts.windowMinutes}); the alerting pipeline may be broken.`;
  return { alertname: opts.alertname, lastSeen, missingForMs, reason };
}

/**
 * What a tick reports: a new outage to escalate, or a recovery after one (`missingForMs`: from the
 * last heartbeat before the outage to the one that ended it).
 */
export type HeartbeatEvent = { kind: 'lost'; escalation: HeartbeatEscalation } | { kind: 'recovered'; at: number; missingForMs: number };

/**
 * Watches the heartbeat on the triage clock. The engine calls `seen` for each firing Watchdog;
 * the server calls `tick` on a timer and escalates a `lost` event. One outage escalates once, not on
 * every tick (repeat notification is the escalation tier's job).
 */
export class HeartbeatWatch {
  private lastSeen: number | undefined;
  private lostSince: number | undefined;
  private readonly opts: HeartbeatCheck;
  private readonly clock: { now(): number };

  constructor(opts: { alertname: string; windowMinutes: number; clock: { now(): number } }) {
    this.clock = opts.clock;
    this.opts = { alertname: opts.alertname, windowMinutes: opts.windowMinutes, startedAt: opts.clock.now() };
  }

  /** Records a heartbeat at `at` (default now). */
  seen(at: number = this.clock.now()): void {
    if (this.lastSeen === undefined || at > this.lastSeen) this.lastSeen = at;
  }

  /** The last heartbeat's time, if any. */
  last(): number | undefined {
    return this.lastSeen;
  }

  /** The current escalation, if the heartbeat is missing now (pure read). */
  status(): HeartbeatEscalation | undefined {
    return checkHeartbeat(this.opts, this.lastSeen, this.clock.now());
  }

  /** Checks now; reports a new outage once, and its end once. */
  tick(): HeartbeatEvent | undefined {
    const escalation = this.status();
    if (escalation !== undefined) {
      if (this.lostSince !== undefined) return undefined;
      this.lostSince = this.clock.now() - escalation.missingForMs;
      return { kind: 'lost', escalation };
    }
    if (this.lostSince === undefined) return undefined;
    const event: HeartbeatEvent = { kind: 'recovered', at: this.lastSeen ?? this.clock.now(), missingForMs: (this.lastSeen ?? this.clock.now()) - this.lostSince };
    this.lostSince = undefined;
    return event;
  }
}
