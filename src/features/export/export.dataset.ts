import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { CsvColumn } from './export.csv.js';

/**
 * One exportable dataset: read from the rescue's database (decrypting PII with the key ring, only
 * for the export), written as one CSV file or as one key of the JSON file.
 */
export interface ExportDataset<T> {
  /** URL and file name part: lower-case letters and hyphens. */
  name: string;
  title: string;
  description: string;
  /** Whether it holds personal data (the page says so; the audit entry records it). */
  personal?: boolean;
  load: (db: Kysely<TenantSchema>, ring: KeyRing) => Promise<T[]>;
  columns: readonly CsvColumn<T>[];
  /** A row as the JSON export writes it; default: the columns, by header, unescaped. */
  json?: (row: T) => unknown;
}
