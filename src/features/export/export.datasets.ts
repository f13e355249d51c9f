import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { CsvColumn } from './export.csv.js';
import { dogsDataset, treatmentsDataset, vaccinationsDataset, visitsDataset, weightsDataset } from './export.dogs.js';
import { notesDataset, placementsDataset, statusHistoryDataset } from './export.history.js';
import { applicationsDataset, peopleDataset } from './export.people.js';

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

/** Every dataset the export offers, in the order the page lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of datasets of different row types; each is used only through its own load and columns
export const exportDatasets: readonly ExportDataset<any>[] = [
  dogsDataset, statusHistoryDataset, placementsDataset, notesDataset, vaccinationsDataset, treatmentsDataset, visitsDataset, weightsDataset,
  peopleDataset, applicationsDataset,
];

/** The dataset of that name, if any. */
export function findDataset(name: string): ExportDataset<unknown> | undefined {
  return exportDatasets.find((d) => d.name === name);
}

/** A row as a JSON object: each column by its header, values as they are (no CSV quoting). */
export function jsonRow<T>(dataset: ExportDataset<T>, row: T): unknown {
  if (dataset.json) return dataset.json(row);
  return Object.fromEntries(dataset.columns.map((c) => [c.header, c.value(row) ?? null]));
}
