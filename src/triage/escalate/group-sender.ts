/**
 * Sends the escalator's grouped messages (grouping.ts decides groups and times; this reads the
 * queued rows, sends one message per due group and records each part). Only built with
 * `escalation.grouping`; the escalator hands it the row reading and the sending it shares.
 */
import type { Clock, TimerHandle } from '../../platform/clock/clock.js';
import type { ChannelName, EscalationTier, GroupingSettings } from './escalation.schema.js';
import { groupDueAt, groupKey, groupMessage } from './grouping.js';
import type { EscalationMessage, MessageKind, MessagePart } from './message.js';
import type { EscalationRepo, EscalationRow } from './repo.js';

/** What the group sender borrows from its escalator. */
export interface GroupSenderOptions {
  grouping: GroupingSettings;
  repo: EscalationRepo;
  clock: Clock;
  /** Runs the escalator's tick (the wake timer calls it). */
  tick: () => void;
  tierOf: (row: EscalationRow) => EscalationTier;
  part: (row: EscalationRow, kind: MessageKind, sequence: number, now: number) => Promise<MessagePart>;
  deliver: (message: EscalationMessage, names: readonly ChannelName[], escalation: string) => Promise<ChannelName[]>;
}

/** One escalator's grouped sending, and the timer that wakes it when a group is due. */
export class GroupSender {
  /** When each group last got a message (in memory: after a restart a group's first message waits `waitSeconds` again). */
  private readonly groupSent = new Map<string, number>();
  /** The timer that ticks when the earliest waiting group is due. */
  private wake: { at: number; handle: TimerHandle } | undefined;

  constructor(private readonly opts: GroupSenderOptions) {}

  /** Clears the wake timer. */
  stop(): void {
    if (this.wake) this.opts.clock.clearTimer(this.wake.handle);
    this.wake = undefined;
  }

  /**
   * Grouping on: each group with a message due (a queued opening or resolution past its time, or a
   * reminder due) gets ONE message carrying everything it has waiting (grouping.ts). Returns the
   * escalations handled; arms the timer for the next group that will be due.
   */
  async send(now: number): Promise<Set<string>> {
    const { grouping } = this.opts;
    const groups = new Map<string, { rows: EscalationRow[]; repeats: number }>();
    const add = (row: EscalationRow, repeat: boolean) => {
      const key = groupKey(grouping, row.tier, row.context);
      const g = groups.get(key) ?? { rows: [], repeats: 0 };
      if (g.rows.some((r) => r.id === row.id)) return;
      g.rows.push(row);
      if (repeat) g.repeats++;
      groups.set(key, g);
    };
    for (const row of await this.opts.repo.withPending()) if (row.pending?.queuedAt !== undefined) add(row, false);
    for (const row of await this.opts.repo.due(now)) if (row.pending?.queuedAt === undefined) add(row, true);
    const handled = new Set<string>();
    for (const [key, g] of groups) {
      const queued = g.rows.flatMap((r) => (r.pending?.queuedAt !== undefined ? [{ pending: { ...r.pending, queuedAt: r.pending.queuedAt }, acknowledged: r.acknowledged_at !== null }] : []));
      const dueAt = groupDueAt(grouping, queued, this.groupSent.get(key));
      if (g.repeats === 0 && (dueAt === undefined || dueAt > now)) {
        if (dueAt !== undefined) this.wakeAt(dueAt);
        continue;
      }
      await this.sendGroup(g.rows, now);
      this.groupSent.set(key, now);
      for (const r of g.rows) handled.add(String(r.id));
    }
    return handled;
  }

  /** One message for a group's rows; each row records its part (and retries its failed channels on its own). */
  private async sendGroup(rows: readonly EscalationRow[], now: number): Promise<void> {
    const parts: Array<{ row: EscalationRow; part: MessagePart }> = [];
    for (const row of rows) {
      const kind: MessageKind = row.pending?.queuedAt !== undefined ? row.pending.kind : 'repeat';
      parts.push({ row, part: await this.opts.part(row, kind, row.sends + 1, now) });
    }
    const channels = [...new Set(rows.flatMap((r) => this.opts.tierOf(r).channels))];
    const failed = await this.opts.deliver(groupMessage(parts.map((p) => p.part)), channels, String(rows[0]!.id));
    for (const { row, part } of parts) {
      const step = this.opts.tierOf(row).repeatMinutes * 60_000;
      const nextAt = row.status !== 'open' ? undefined : part.kind === 'opened' ? now + step : Math.max(now + step, (row.next_at?.getTime() ?? now) + step);
      const pending = failed.length > 0 ? { kind: part.kind, channels: failed, attempts: 1 } : null;
      await this.opts.repo.recordSend(row.id, { at: now, sends: part.kind === 'resolved' ? row.sends : part.sequence, ...(nextAt !== undefined ? { nextAt } : {}), pending });
    }
  }

  /** Ticks at `at` (the earliest waiting group), unless a tick is already armed sooner. */
  wakeAt(at: number): void {
    if (this.wake !== undefined && this.wake.at <= at && this.wake.at > this.opts.clock.now()) return;
    if (this.wake) this.opts.clock.clearTimer(this.wake.handle);
    const handle = this.opts.clock.setTimer(() => {
      this.wake = undefined;
      this.opts.tick();
    }, Math.max(0, at - this.opts.clock.now()), { unref: true });
    this.wake = { at, handle };
  }
}
