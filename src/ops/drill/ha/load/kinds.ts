import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The write kinds the load generator makes, and how each one's client-chosen id is found again in a
 * tenant database: the one place that ties a history entry to a row (the checker reads only this).
 *
 * Ids are UUIDs whose first 8 hex digits are the run's tag, so the checker can tell this run's
 * rows from everything else in a rescue's database (seeded data, earlier runs) without a list.
 */
export const writeKinds = {
  /** A public adoption application: the id is its idempotency key (unique per tenant). */
  application: `select idempotency_key::text as id from applications where idempotency_key::text like $1`,
  /** A vet visit added in the hub: the id is the marker in its reason ("drill <id>"). */
  medical: `select substring(reason from 7 for 36) as id from vet_visits where reason like 'drill ' || $1`,
} as const;

/** A kind of write the generator makes. */
export type WriteKind = keyof typeof writeKinds;

/** A new run tag: 8 hex digits every id of the run starts with. */
export function newRunTag(): string {
  return randomBytes(4).toString('hex');
}

/** A new write id of the run: a version-4 UUID that starts with the run's tag. */
export function newWriteId(tag: string): string {
  return `${tag}${randomUUID().slice(8)}`;
}

/** The run tag of a write id. */
export function runTagOf(id: string): string {
  return id.slice(0, 8);
}

/** The vet visit's reason that carries a write id (what `writeKinds.medical` reads back). */
export function medicalMarker(id: string): string {
  return `drill ${id}`;
}

/** Every id of the given runs found in one database, by kind; an id found twice is listed twice. */
export async function findWriteIds(client: pg.Client, tags: Iterable<string>): Promise<Map<WriteKind, string[]>> {
  const found = new Map<WriteKind, string[]>();
  for (const kind of Object.keys(writeKinds) as WriteKind[]) {
    const ids: string[] = [];
    for (const tag of tags) {
      if (!/^[0-9a-f]{8}$/.test(tag)) throw new Error(`Not a run tag: ${JSON.stringify(tag)} (ids must start with 8 hex digits)`);
      const { rows } = await client.query<{ id: string }>(writeKinds[kind], [`${tag}%`]);
      ids.push(...rows.map((r) => r.id));
    }
    found.set(kind, ids);
  }
  return found;
}
