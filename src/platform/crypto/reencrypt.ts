import { sql, type Kysely } from 'kysely';
import type { KeyRing } from './keyring.js';

/** A table's application-encrypted columns and its primary key column. */
export interface EncryptedColumns {
  table: string;
  key: string;
  columns: string[];
}

// Nullable encrypted columns (an optional email, say) hold null, which is under no key.
function notCurrent(column: string, keyId: string) {
  return sql`(${sql.ref(column)} is not null and ${sql.ref(column)} not like ${`v1:${keyId}:%`})`;
}

function reencrypted(keyRing: KeyRing, value: string | null | undefined): string | null {
  return value == null ? null : keyRing.encrypt(keyRing.decrypt(value));
}

/**
 * Re-encrypts, in batches, every value of the table not yet under the ring's current key. Each
 * row is updated only if it still holds what was read, so a concurrent edit is never overwritten
 * (it was written under the current key anyway). Returns how many rows changed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table is named at run time, on a control or tenant database
export async function reencryptTable(db: Kysely<any>, spec: EncryptedColumns, keyRing: KeyRing, signal?: AbortSignal, batch = 200): Promise<number> {
  const current = keyRing.currentKeyId;
  let changed = 0;
  for (;;) {
    if (signal?.aborted) throw new Error('re-encryption stopped; it resumes where it left off');
    const stale = sql.join(spec.columns.map((c) => notCurrent(c, current)), sql` or `);
    const rows = await sql<Record<string, string>>`
      select ${sql.ref(spec.key)}::text as pk, ${sql.join(spec.columns.map((c) => sql.ref(c)))}
      from ${sql.table(spec.table)} where ${stale} limit ${batch}`.execute(db);
    if (rows.rows.length === 0) return changed;
    for (const row of rows.rows) {
      const sets = spec.columns.map((c) => sql`${sql.ref(c)} = ${reencrypted(keyRing, row[c])}`);
      const same = spec.columns.map((c) => sql`${sql.ref(c)} is not distinct from ${row[c] ?? null}`);
      const res = await sql`update ${sql.table(spec.table)} set ${sql.join(sets)} where ${sql.ref(spec.key)}::text = ${row.pk!} and ${sql.join(same, sql` and `)}`.execute(db);
      changed += Number(res.numAffectedRows ?? 0n);
    }
  }
}

/** How many values of each column are under each key id (what `kona keys status` shows). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for reencryptTable
export async function keyUsage(db: Kysely<any>, specs: EncryptedColumns[]): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (const spec of specs) {
    for (const column of spec.columns) {
      const rows = await sql<{ key_id: string; n: number }>`
        select split_part(${sql.ref(column)}, ':', 2) as key_id, count(*)::int as n from ${sql.table(spec.table)} where ${sql.ref(column)} is not null group by 1`.execute(db);
      for (const r of rows.rows) usage[r.key_id] = (usage[r.key_id] ?? 0) + r.n;
    }
  }
  return usage;
}
