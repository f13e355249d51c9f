/**
 * The drill's privacy check: every application-encrypted value in the restored database decrypts
 * with the kept key ring (the operator's key backup), which is what makes the restored PII usable.
 */
import { sql, type Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { EncryptedColumns } from '../../platform/crypto/reencrypt.js';
import type { RestoreCheck } from './dump.js';

/** Decrypts every encrypted value of the listed columns; the check fails on any that does not. */
export async function encryptedValuesCheck(db: Kysely<unknown>, keyRing: KeyRing, specs: EncryptedColumns[]): Promise<RestoreCheck> {
  let decrypted = 0;
  const failed: string[] = [];
  for (const spec of specs) {
    const exists = await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename = ${spec.table}`.execute(db);
    if (!exists.rows[0]!.n) continue;
    const rows = await sql<Record<string, string | null>>`select ${sql.join(spec.columns.map((c) => sql.ref(c)))} from ${sql.table(spec.table)}`.execute(db);
    for (const row of rows.rows) {
      for (const column of spec.columns) {
        const value = row[column];
        if (value == null) continue;
        try {
          keyRing.decrypt(value);
          decrypted++;
        } catch {
          if (failed.length < 5) failed.push(`${spec.table}.${column}`);
        }
      }
    }
  }
  return failed.length
    ? { name: 'pii', ok: false, detail: `values in ${failed.join(', ')} do not decrypt with the kept keys (wrong or missing key backup)` }
    : { name: 'pii', ok: true, detail: `${decrypted} encrypted values decrypt with the kept keys` };
}
