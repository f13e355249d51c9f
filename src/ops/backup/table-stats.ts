/**
 * What a dump must reproduce, read from the database it was taken from: per table its row count and
 * a content checksum, and each sequence's value. A restore drill reads the same figures from the
 * restored database and compares. The checksum is the md5 of the rows' md5s in byte order, with the
 * session's output settings pinned, so a PGlite copy and a server copy of the same rows agree.
 */
import { sql, type Kysely } from 'kysely';

/** Row count and content checksum of one table. */
export interface TableStat {
  rows: number;
  checksum: string;
}

/** Every table's figures and every sequence's last value (null: never used). */
export interface TableStats {
  tables: Record<string, TableStat>;
  sequences: Record<string, string | null>;
}

// Text output of dates, floats and bytes depends on these; pinned so both sides print rows alike.
const pinned = [`set timezone to 'UTC'`, `set datestyle to 'ISO, MDY'`, `set intervalstyle to 'postgres'`, `set extra_float_digits to 1`, `set bytea_output to 'hex'`];

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Reads the figures on `db`, which must be one connection held for the call (an exclusive
 * connection or a transaction), so they describe one moment. The session settings it pins are reset.
 */
export async function readTableStats(db: Kysely<unknown>): Promise<TableStats> {
  for (const statement of pinned) await sql.raw(statement).execute(db);
  try {
    const tables = await sql<{ schema: string; name: string }>`
      select schemaname as schema, tablename as name from pg_tables
      where schemaname not in ('pg_catalog', 'information_schema') order by 1, 2`.execute(db);
    const out: TableStats = { tables: {}, sequences: {} };
    for (const t of tables.rows) {
      const qualified = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
      const row = await sql<{ rows: string; checksum: string | null }>`
        select count(*)::text as rows, md5(string_agg(h, '' order by h collate "C")) as checksum
        from (select md5(x::text) as h from ${sql.raw(qualified)} x) hashed`.execute(db);
      out.tables[`${t.schema}.${t.name}`] = { rows: Number(row.rows[0]!.rows), checksum: row.rows[0]!.checksum ?? '' };
    }
    const seqs = await sql<{ name: string; value: string | null }>`
      select schemaname || '.' || sequencename as name, last_value::text as value from pg_sequences
      where schemaname not in ('pg_catalog', 'information_schema') order by 1`.execute(db);
    for (const s of seqs.rows) out.sequences[s.name] = s.value;
    return out;
  } finally {
    for (const name of ['timezone', 'datestyle', 'intervalstyle', 'extra_float_digits', 'bytea_output']) await sql.raw(`reset ${name}`).execute(db);
  }
}

/** Differences between recorded and restored figures, in words; empty when they agree. */
export function compareTableStats(recorded: TableStats, restored: TableStats): string[] {
  const problems: string[] = [];
  for (const [name, want] of Object.entries(recorded.tables)) {
    const got = restored.tables[name];
    if (!got) problems.push(`table ${name} is missing`);
    else if (got.rows !== want.rows) problems.push(`table ${name}: ${got.rows} rows, the dump recorded ${want.rows}`);
    else if (got.checksum !== want.checksum) problems.push(`table ${name}: content checksum differs from the dump's`);
  }
  for (const name of Object.keys(restored.tables)) if (!recorded.tables[name]) problems.push(`table ${name} was not in the dump`);
  for (const [name, want] of Object.entries(recorded.sequences)) {
    if (!(name in restored.sequences)) problems.push(`sequence ${name} is missing`);
    // Sequences are not transactional: the dump may read one a little later than the manifest did.
    else if (want !== null && (restored.sequences[name] === null || BigInt(restored.sequences[name]!) < BigInt(want))) {
      problems.push(`sequence ${name} is at ${restored.sequences[name] ?? 'unused'}, below the recorded ${want}`);
    }
  }
  return problems;
}
