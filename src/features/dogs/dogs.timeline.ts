import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { statusLabel } from './dogs.lifecycle.js';
import { selectStatusHistory, selectWeights } from './dogs.queries.js';

/** One entry of a dog's timeline, whatever feature it comes from. */
export interface TimelineEntry {
  /** Orders the timeline, newest first. */
  at: Date;
  /** Only the day is known (a weighing on a past day): the page shows no time. */
  dateOnly: boolean;
  /** Which feature wrote it: 'status', 'weight', 'note', 'foster', 'medical', 'photo'. */
  kind: string;
  title: string;
  detail?: string;
  /** The staff member who recorded it, by id. */
  by: string | null;
  /** Another staff member the entry is about (the foster of a placement), by id. */
  with?: string | null;
}

/** Reads one dog's entries of one kind. */
export type TimelineSource = (db: Kysely<TenantSchema>, dogId: string) => Promise<TimelineEntry[]>;

const statusEntries: TimelineSource = async (db, dogId) =>
  (await selectStatusHistory(db, dogId)).map((h) => ({
    at: h.changed_at,
    dateOnly: false,
    kind: 'status',
    title: h.from_status ? `Status: ${statusLabel(h.from_status)} → ${statusLabel(h.to_status)}` : `Taken in (${statusLabel(h.to_status)})`,
    detail: h.reason || undefined,
    by: h.changed_by,
  }));

const weightEntries: TimelineSource = async (db, dogId) =>
  (await selectWeights(db, dogId)).map((w) => {
    // Weighed the day it was entered: the entry time is exact. Otherwise only the day is known.
    const sameDay = w.recorded_at.toISOString().slice(0, 10) === w.weighed_on;
    return {
      at: sameDay ? w.recorded_at : new Date(`${w.weighed_on}T00:00:00Z`),
      dateOnly: !sameDay,
      kind: 'weight',
      title: `Weighed ${w.kg} kg`,
      by: w.recorded_by,
    };
  });

/** The dogs feature's own sources; other features register theirs with the dog page (dog-page.ts). */
export const baseTimelineSources: readonly TimelineSource[] = [statusEntries, weightEntries];

/** A dog's timeline from the given sources, newest first. */
export async function dogTimeline(db: Kysely<TenantSchema>, dogId: string, sources: readonly TimelineSource[]): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  for (const source of sources) entries.push(...(await source(db, dogId)));
  return entries.sort((a, b) => b.at.getTime() - a.at.getTime());
}
