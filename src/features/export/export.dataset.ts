import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { BlobStore } from '../../platform/storage/index.js';
import type { CsvColumn } from './export.csv.js';

/** A slice of a table: every dataset is read a page at a time, so no table is ever held whole. */
export interface ExportPage {
  limit: number;
  offset: number;
}

/** The rescue's blob stores the export reads files from. */
export interface ExportStores {
  /** Photos and medical documents: `<uploadsDir>/<slug>`. */
  uploads: BlobStore;
  /** Signed contract PDFs: `<uploadsDir>/<slug>/contracts`. */
  contracts: BlobStore;
}

/** What a dataset reads from: the rescue's database, the key ring (PII is decrypted for the export only) and its stores. */
export interface ExportSource {
  db: Kysely<TenantSchema>;
  ring: KeyRing;
  stores: ExportStores;
}

/** A binary file a row refers to: where it goes in the zip, and which blob it is. */
export interface ExportAttachment {
  /** Path inside the zip, under files/. */
  path: string;
  store: keyof ExportStores;
  key: string;
}

/**
 * One exportable dataset: read a page at a time from the rescue's database, written as `<name>.csv`
 * (and `<name>.json` where rows nest), with the binary files its rows refer to under `files/`.
 * Adding a dataset to the export is adding one of these to the list in export.datasets.ts.
 */
export interface ExportDataset<T> {
  /** File name part: lower-case letters and hyphens. */
  name: string;
  title: string;
  description: string;
  /** Whether it holds personal data (the page says so; the audit entry records it). */
  personal?: boolean;
  /** One page of rows, in a stable order. */
  load: (source: ExportSource, page: ExportPage) => Promise<T[]>;
  columns: readonly CsvColumn<T>[];
  /** Also write `<name>.json`, a row as this returns it: for what a CSV cell cannot hold (answers, history). */
  json?: (row: T) => unknown;
  /** The binary files a row refers to, copied byte for byte into the zip. */
  attachments?: (row: T) => ExportAttachment[];
}
