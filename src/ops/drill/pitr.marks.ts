/**
 * PITR marks: a tiny table on the backed-up server (kona_pitr_marks) that gets a row, stamped by the
 * server's own clock, before each base backup and whenever a drill or test wants a known point.
 * A PITR drill compares the marks in the restored copy with those on the live server: every mark up
 * to the target must be there, none after it, and the last one present gives the precision.
 */
import type pg from 'pg';

/** One mark: its id and the server's commit-time stamp. */
export interface PitrMark {
  id: number;
  at: Date;
}

const table = 'kona_pitr_marks';

/** Creates the marks table if missing. */
export async function ensureMarks(client: pg.Client): Promise<void> {
  await client.query(`create table if not exists ${table} (id bigserial primary key, at timestamptz not null default clock_timestamp())`);
}

/**
 * A mark's `at` is taken before its commit, and recovery to a time goes by commit times: a mark
 * stamped this close before the target may have committed after it, so a drill does not require it.
 */
export const commitSlackMs = 1000;

/** Writes (and commits) one mark; `committedBy` is the server's clock read after the commit returned. */
export async function writeMark(client: pg.Client): Promise<PitrMark & { committedBy: Date }> {
  await ensureMarks(client);
  const row = (await client.query<{ id: string; at: Date }>(`insert into ${table} default values returning id, at`)).rows[0]!;
  const committedBy = (await client.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;
  return { id: Number(row.id), at: row.at, committedBy };
}

/** Every mark, oldest first; none when the table does not exist (a copy from before the first mark). */
export async function readMarks(client: pg.Client): Promise<PitrMark[]> {
  const exists = (await client.query(`select to_regclass('${table}') as t`)).rows[0].t !== null;
  if (!exists) return [];
  return (await client.query<{ id: string; at: Date }>(`select id, at from ${table} order by id`)).rows.map((r) => ({ id: Number(r.id), at: r.at }));
}

/**
 * Compares restored marks with the source's around `target`: marks stamped more than commitSlackMs
 * before it that are missing, marks stamped after it that are present, and the last one present.
 */
export function compareMarks(source: PitrMark[], restored: PitrMark[], target: Date): { missing: number[]; afterTarget: number[]; lastPresent: PitrMark | null } {
  const have = new Set(restored.map((m) => m.id));
  const missing = source.filter((m) => m.at.getTime() <= target.getTime() - commitSlackMs && !have.has(m.id)).map((m) => m.id);
  const afterTarget = restored.filter((m) => m.at > target).map((m) => m.id);
  return { missing, afterTarget, lastPresent: restored.filter((m) => m.at <= target).at(-1) ?? null };
}
