/**
 * PITR marks: a tiny table on the backed-up server (kona_pitr_marks) that gets a row, stamped by the
 * server's own clock, before each base backup and whenever a drill or test wants a known point.
 * A PITR drill compares the marks in the restored copy with those on the live server: every mark
 * surely committed by the target must be there, none stamped after it, and the last one present
 * gives the precision.
 *
 * Two things make this exact rather than approximate. Stamps are read in microseconds (a JavaScript
 * Date keeps milliseconds: two marks, or a mark and the target, in one millisecond would compare
 * equal). And recovery goes by commit times while a stamp is taken before its commit: marks are
 * written one at a time, so a mark committed before the next one was stamped, and it is required
 * only when that next stamp is not after the target (no guessed slack that a loaded machine beats).
 */
import type pg from 'pg';

/** One mark: its id and the server's stamp, as a Date and in microseconds since the epoch. */
export interface PitrMark {
  id: number;
  at: Date;
  us: number;
}

const table = 'kona_pitr_marks';
const columns = 'id, at, (extract(epoch from at) * 1000000)::bigint as us';

type MarkRow = { id: string; at: Date; us: string };
const toMark = (r: MarkRow): PitrMark => ({ id: Number(r.id), at: r.at, us: Number(r.us) });

/** Creates the marks table if missing. */
export async function ensureMarks(client: pg.Client): Promise<void> {
  await client.query(`create table if not exists ${table} (id bigserial primary key, at timestamptz not null default clock_timestamp())`);
}

/** Writes (and commits) one mark; `committedBy` is the server's clock read after the commit returned. */
export async function writeMark(client: pg.Client): Promise<PitrMark & { committedBy: Date }> {
  await ensureMarks(client);
  const row = (await client.query<MarkRow>(`insert into ${table} default values returning ${columns}`)).rows[0]!;
  const committedBy = (await client.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;
  return { ...toMark(row), committedBy };
}

/** Every mark, oldest first; none when the table does not exist (a copy from before the first mark). */
export async function readMarks(client: pg.Client): Promise<PitrMark[]> {
  const exists = (await client.query(`select to_regclass('${table}') as t`)).rows[0].t !== null;
  if (!exists) return [];
  return (await client.query<MarkRow>(`select ${columns} from ${table} order by id`)).rows.map(toMark);
}

/** A microsecond stamp as an ISO 8601 time with six decimals. */
export function isoMicros(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().replace(/Z$/, `${String(us % 1000).padStart(3, '0')}Z`);
}

/**
 * Compares restored marks with the source's around `target`: marks committed by the target (the next
 * mark was stamped at or before it) that are missing, marks stamped after it that are present, and
 * the last one present.
 */
export function compareMarks(source: PitrMark[], restored: PitrMark[], target: Date): { missing: number[]; afterTarget: number[]; lastPresent: PitrMark | null } {
  const targetUs = target.getTime() * 1000;
  const have = new Set(restored.map((m) => m.id));
  const missing = source.filter((m, i) => i + 1 < source.length && source[i + 1]!.us <= targetUs && !have.has(m.id)).map((m) => m.id);
  const afterTarget = restored.filter((m) => m.us > targetUs).map((m) => m.id);
  return { missing, afterTarget, lastPresent: restored.filter((m) => m.us <= targetUs).at(-1) ?? null };
}
