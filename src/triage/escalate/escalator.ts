/**
 * The escalator: turns notify/diagnose decisions into escalations a human hears about, repeats them
 * by tier until acknowledged (by link) or resolved, and tells the human when the alert resolves.
 * State lives in the database (escalations, escalation_ack_tokens) and every tick reads it back, so
 * a restart keeps repeats and retries. Nothing here throws into the caller: channel failures are
 * logged (channel and status only) and retried on the next tick.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { every, type Clock } from '../../platform/clock/clock.js';
import type { Decision } from '../types.js';
import { createChannels, ChannelError, type Channel } from './channels.js';
import { tierFor, type ChannelName, type EscalationPolicy, type EscalationSettings, type EscalationTier } from './escalation.schema.js';
import { GroupSender } from './group-sender.js';
import { Scrubber } from '../diagnose/scrub.js';
import { buildContext, buildMessage, type AlertContext, type EscalationMessage, type MessageKind, type MessagePart, type PendingSend } from './message.js';
import { EscalationRepo, summarize, type EscalationRow, type EscalationSummary } from './repo.js';
import type { EscalationStatus, EscalationTables } from './schema.js';

/** What the escalator needs to know besides the decision (the lead adapts its own ctx). */
export interface EscalationInput {
  /** The alert the decision is about (absent for synthetic decisions: heartbeat, truncated group, failed action). */
  alert?: AlertContext;
  /** Recent decisions about the same fingerprint (any order; the decision itself is skipped). */
  history: readonly Decision[];
}

/** What `handle` did. */
export type EscalationOutcome =
  | { kind: 'disabled' }
  | { kind: 'ignored'; why: string }
  | { kind: 'opened'; id: string; tier: string; failed: ChannelName[] }
  | { kind: 'attached'; id: string }
  | { kind: 'resolved'; id: string; failed: ChannelName[] }
  | { kind: 'error' };

/** The log calls the escalator makes (a pino logger fits). */
export interface EscalationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How an Escalator is built. */
export interface EscalatorOptions {
  /** The policy's `escalation` section; undefined: nobody is messaged (handle answers 'disabled'). */
  policy: EscalationPolicy;
  /**
   * The triage database, migrated (migrations/triage). Any Kysely whose schema includes
   * EscalationTables: Kysely's types are invariant in the schema, so a Kysely<TriageSchema> would
   * not be assignable to Kysely<EscalationTables> even when it has these tables.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- invariance, as said above
  db: Kysely<any>;
  /** The triage clock: repeat and retry times, acknowledgements, and the repeat timer. */
  clock: Clock;
  logger: EscalationLogger;
  /** Kona's KONA_SMTP_URL (needed only by the email channel). */
  smtpUrl?: string;
  /** The policy's rules, for their runbook links. */
  rules?: readonly { name: string; runbook?: string | undefined }[];
  /** Names of people and dogs from Kona's data, scrubbed from every message (read when an escalation opens or is updated). */
  knownNames?: () => readonly string[] | Promise<readonly string[]>;
  /** How often the timer checks for repeats and retries (ms; default 30 s). */
  tickMs?: number;
  /** How many times a failed message is retried before it is given up (default 20). */
  maxRetries?: number;
  /** Replaces the channels built from the policy (tests). */
  channels?: Map<ChannelName, Channel>;
}

/** Outcome of acknowledging by token. */
export type AckResult =
  | { kind: 'unknown' }
  | { kind: 'acknowledged'; escalation: EscalationSummary }
  | { kind: 'already'; escalation: EscalationSummary };

/** sha256 (hex) of an ack token: what the database keeps. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Escalates decisions to humans through the policy's channels and tiers. */
export class Escalator {
  private readonly repo: EscalationRepo;
  private readonly settings: EscalationSettings | undefined;
  private readonly channels: Map<ChannelName, Channel>;
  private readonly runbooks: Map<string, string>;
  private chain: Promise<unknown> = Promise.resolve();
  private stopTimer: (() => void) | undefined;
  /** Sends grouped messages (only with `escalation.grouping`). */
  private readonly groups: GroupSender | undefined;

  /** Builds the channels (throws at start-up when email is configured without KONA_SMTP_URL). */
  constructor(private readonly opts: EscalatorOptions) {
    this.repo = new EscalationRepo(opts.db as Kysely<EscalationTables>);
    this.settings = opts.policy;
    this.channels = opts.channels ?? (opts.policy ? createChannels(opts.policy.channels, { smtpUrl: opts.smtpUrl }) : new Map());
    this.runbooks = new Map((opts.rules ?? []).flatMap((r) => (r.runbook ? [[r.name, r.runbook] as const] : [])));
    const grouping = opts.policy?.grouping;
    this.groups = grouping && new GroupSender({
      grouping, repo: this.repo, clock: opts.clock, tick: () => void this.tick(), tierOf: (row) => this.tierOf(row),
      part: (row, kind, sequence, now) => this.part(row, kind, sequence, now), deliver: (m, names, id) => this.deliver(m, names, id),
    });
  }

  /** Whether escalation is configured (a policy section exists). */
  get enabled(): boolean {
    return this.settings !== undefined;
  }

  /**
   * Handles one decision: a firing notify/diagnose decision opens an escalation (or is attached to
   * the live one of its fingerprint, without a message); a resolved decision closes the live one with
   * a resolution message. Never rejects; it may take up to one channel timeout, so the caller may
   * leave it running (`void escalator.handle(…)`): calls are serialized and `stop()` waits for them.
   */
  handle(decision: Decision, input: EscalationInput): Promise<EscalationOutcome> {
    const settings = this.settings;
    if (settings === undefined) return Promise.resolve({ kind: 'disabled' });
    return this.serial(async () => {
      try {
        return decision.status === 'resolved' ? await this.resolve(settings, decision, input) : await this.open(settings, decision, input);
      } catch (err) {
        this.opts.logger.error({ err, decision: decision.id }, 'escalation failed');
        return { kind: 'error' } as const;
      }
    });
  }

  /** Sends due repeats and retries failed messages; the timer calls it, tests call it with a virtual clock. */
  tick(): Promise<void> {
    if (this.settings === undefined) return Promise.resolve();
    return this.serial(async () => {
      try {
        await this.runTick();
      } catch (err) {
        this.opts.logger.error({ err }, 'escalation tick failed');
      }
    });
  }

  /** Starts the repeat timer (and runs one tick at once, to pick up what was due while stopped). */
  start(): void {
    if (this.settings === undefined || this.stopTimer !== undefined) return;
    void this.tick();
    this.stopTimer = every(this.opts.clock, this.opts.tickMs ?? 30_000, () => void this.tick(), { unref: true });
  }

  /** Stops the timer, waits for the running work and closes the channels. */
  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.groups?.stop();
    await this.chain;
    await Promise.all([...this.channels.values()].map((c) => c.close()));
  }

  /** Escalations for the page / JSON API, newest first; `live` (default) = open or acknowledged. */
  list(opts: { status?: EscalationStatus | 'live'; limit?: number } = {}): Promise<EscalationSummary[]> {
    return this.repo.list({ status: opts.status ?? 'live', ...(opts.limit !== undefined ? { limit: opts.limit } : {}) });
  }

  /** The escalation an ack token belongs to (for the confirmation page; changes nothing). */
  async lookup(token: string): Promise<EscalationSummary | undefined> {
    if (!plausibleToken(token)) return undefined;
    const row = await this.repo.byToken(tokenHash(token));
    return row && summarize(row);
  }

  /** Acknowledges the escalation of an ack token: its repeats stop. */
  acknowledge(token: string, by: string): Promise<AckResult> {
    return this.serial(async () => {
      if (!plausibleToken(token)) return { kind: 'unknown' } as const;
      const row = await this.repo.byToken(tokenHash(token));
      if (row === undefined) return { kind: 'unknown' } as const;
      const done = await this.repo.acknowledge(row.id, this.opts.clock.now(), by);
      if (done === undefined) return { kind: 'already', escalation: summarize((await this.repo.get(row.id)) ?? row) } as const;
      this.opts.logger.info({ escalation: String(done.id), alertname: done.alertname }, 'escalation acknowledged');
      return { kind: 'acknowledged', escalation: summarize(done) } as const;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** `closed`: the alert has already resolved (a flapping alert told on a resolution): one message, no reminders, no ack link. */
  private async open(settings: EscalationSettings, decision: Decision, input: EscalationInput, closed = false): Promise<EscalationOutcome> {
    if (decision.route !== 'notify' && decision.route !== 'diagnose') return { kind: 'ignored', why: `route ${decision.route} does not escalate` };
    const now = this.opts.clock.now();
    const runbook = decision.rule === null ? undefined : this.runbooks.get(decision.rule);
    const scrubber = new Scrubber({ knownNames: (await this.opts.knownNames?.()) ?? [] });
    const context = buildContext(decision, input.alert, input.history, { historyLimit: settings.historyLimit, scrubber, ...(runbook ? { runbook } : {}) });
    const live = await this.repo.live(decision.fingerprint);
    if (live !== undefined) {
      // Already escalated: keep the newest context for the reminders, send nothing before their time.
      await this.repo.attach(live.id, decision.id, context);
      return { kind: 'attached', id: String(live.id) };
    }
    const tier = tierFor(settings, decision);
    const opened = await this.repo.open({
      fingerprint: decision.fingerprint, decisionId: decision.id, alertname: decision.alertname, severity: decision.severity, class: decision.class,
      tier: tier.name, context, at: now, nextAt: now + tier.repeatMinutes * 60_000,
    });
    const row = closed ? ((await this.repo.resolve(opened.id, now)) ?? opened) : opened;
    if (settings.grouping) {
      // Waits for its group's message (runTick); the reminders count from when it is sent.
      await this.repo.setPending(row.id, { kind: 'opened', channels: tier.channels, attempts: 0, queuedAt: now });
      this.groups?.wakeAt(now + settings.grouping.waitSeconds * 1000);
      return { kind: 'opened', id: String(row.id), tier: tier.name, failed: [] };
    }
    const failed = await this.send(row, 'opened', tier.channels, 1, now);
    await this.repo.recordSend(row.id, { at: now, sends: 1, pending: failed.length > 0 ? { kind: 'opened', channels: failed, attempts: 1 } : null });
    return { kind: 'opened', id: String(row.id), tier: tier.name, failed };
  }

  private async resolve(settings: EscalationSettings, decision: Decision, input: EscalationInput): Promise<EscalationOutcome> {
    const live = await this.repo.live(decision.fingerprint);
    // A resolution that is itself news (flapping noticed on a resolution) is told, once.
    if (live === undefined && (decision.route === 'notify' || decision.route === 'diagnose')) return this.open(settings, decision, input, true);
    if (live === undefined) return { kind: 'ignored', why: 'no live escalation for this alert' };
    const now = this.opts.clock.now();
    const row = await this.repo.resolve(live.id, now);
    if (row === undefined) return { kind: 'ignored', why: 'the escalation closed meanwhile' };
    const channels = this.tierOf(row).channels;
    const grouping = this.settings?.grouping;
    if (grouping) {
      // An opening still waiting goes out all the same (a first firing is never dropped); else the resolution waits for the group.
      const waiting = live.pending?.queuedAt !== undefined && live.pending.kind === 'opened' ? live.pending : undefined;
      await this.repo.setPending(row.id, waiting ?? { kind: 'resolved', channels, attempts: 0, queuedAt: now });
      this.groups?.wakeAt(now + grouping.waitSeconds * 1000);
      return { kind: 'resolved', id: String(row.id), failed: [] };
    }
    const failed = await this.send(row, 'resolved', channels, row.sends + 1, now);
    await this.repo.recordSend(row.id, { at: now, sends: row.sends, pending: failed.length > 0 ? { kind: 'resolved', channels: failed, attempts: 1 } : null });
    return { kind: 'resolved', id: String(row.id), failed };
  }

  private async runTick(): Promise<void> {
    const now = this.opts.clock.now();
    const handled = this.groups ? await this.groups.send(now) : new Set<string>();
    for (const row of this.groups ? [] : await this.repo.due(now)) {
      handled.add(String(row.id));
      const tier = this.tierOf(row);
      const step = tier.repeatMinutes * 60_000;
      // After a long stop, one reminder now and the next a full interval later (no burst of catch-ups).
      const scheduled = (row.next_at?.getTime() ?? now) + step;
      const nextAt = scheduled > now ? scheduled : now + step;
      const sends = row.sends + 1;
      const failed = await this.send(row, 'repeat', tier.channels, sends, now);
      await this.repo.recordSend(row.id, { at: now, sends, nextAt, pending: failed.length > 0 ? { kind: 'repeat', channels: failed, attempts: 1 } : null });
    }
    const maxRetries = this.opts.maxRetries ?? 20;
    for (const row of await this.repo.withPending()) {
      const pending = row.pending;
      if (pending === null || pending.queuedAt !== undefined || handled.has(String(row.id))) continue;
      // A reminder nobody needs any more (acknowledged) is not retried; a resolution always is.
      if (pending.kind !== 'resolved' && row.status !== 'open') {
        await this.repo.setPending(row.id, null);
        continue;
      }
      const sequence = pending.kind === 'resolved' ? row.sends + 1 : row.sends;
      const failed = await this.send(row, pending.kind, pending.channels, sequence, now);
      const next: PendingSend | null = failed.length === 0 ? null : { kind: pending.kind, channels: failed, attempts: pending.attempts + 1 };
      if (next !== null && next.attempts > maxRetries) {
        this.opts.logger.error({ escalation: String(row.id), channels: failed, attempts: pending.attempts + 1 }, 'escalation message given up after repeated channel failures');
        await this.repo.setPending(row.id, null);
      } else {
        await this.repo.setPending(row.id, next);
      }
    }
  }

  /** The escalation's tier by name; if the policy no longer has it, the tier its decision would get now. */
  private tierOf(row: EscalationRow): EscalationTier {
    const settings = this.settings!;
    return settings.tiers.find((t) => t.name === row.tier) ?? tierFor(settings, { class: row.class, severity: row.severity });
  }

  /** Sends one message to some channels; returns those that failed (each logged by name and status). */
  private async send(row: EscalationRow, kind: MessageKind, names: readonly ChannelName[], sequence: number, now: number): Promise<ChannelName[]> {
    return this.deliver(buildMessage(await this.part(row, kind, sequence, now)), names, String(row.id));
  }

  /** One escalation's message, with a fresh ack link while there is something to acknowledge. */
  private async part(row: EscalationRow, kind: MessageKind, sequence: number, now: number): Promise<MessagePart> {
    let ackUrl: string | null = null;
    if (kind !== 'resolved' && row.status === 'open') {
      const token = randomBytes(32).toString('base64url');
      await this.repo.addToken(row.id, tokenHash(token), now);
      ackUrl = ackLink(this.settings!.ackBaseUrl, token);
    }
    return { kind, escalationId: String(row.id), tier: row.tier, sequence, createdAt: row.created_at.getTime(), ackUrl, context: row.context };
  }

  /** Sends a built message to some channels; returns those that failed (each logged by name and status). */
  private async deliver(message: EscalationMessage, names: readonly ChannelName[], escalation: string): Promise<ChannelName[]> {
    const failed: ChannelName[] = [];
    await Promise.all(
      names.map(async (name) => {
        const channel = this.channels.get(name);
        try {
          if (channel === undefined) throw new ChannelError(name, 'not configured');
          await channel.send(message);
        } catch (err) {
          failed.push(name);
          const status = err instanceof ChannelError ? err.status : 'error';
          this.opts.logger.warn({ channel: name, status, escalation }, 'escalation channel failed; retried on the next tick');
        }
      }),
    );
    return failed.sort();
  }
}

/** The ack link for a token under the public base URL (which may carry a path prefix). */
export function ackLink(base: string, token: string): string {
  const url = new URL(base);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return new URL(`ack/${encodeURIComponent(token)}`, url).toString();
}

/** Tokens are 43 base64url characters; anything else is refused before a database read. */
function plausibleToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(token);
}
