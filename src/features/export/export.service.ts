import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { toCsv } from './export.csv.js';
import { exportDatasets, findDataset, jsonRow } from './export.datasets.js';

type Db = Kysely<TenantSchema>;

/** One downloadable file: its generated name, content type and body. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

const stamp = (now: Date) => now.toISOString().slice(0, 10);

/**
 * One dataset as CSV, with PII decrypted for this file only. The audit entry says which dataset,
 * how many rows and whether it held personal data: never any of the values.
 */
export async function exportCsv(db: Db, ring: KeyRing, slug: string, name: string, actor: Actor, now = new Date()): Promise<ExportFile> {
  const dataset = findDataset(name);
  if (!dataset) throw notFound('That export');
  const rows = await dataset.load(db, ring);
  await recordAudit(db, { actor, action: 'data.exported', target: { type: 'rescue', id: slug }, detail: { format: 'csv', datasets: [dataset.name], rows: { [dataset.name]: rows.length }, personal: Boolean(dataset.personal) } });
  return { filename: `kona-${slug}-${dataset.name}-${stamp(now)}.csv`, contentType: 'text/csv; charset=utf-8', body: toCsv(dataset.columns, rows) };
}

/** Every dataset in one JSON document (PII decrypted), audited like the CSV files. */
export async function exportJson(db: Db, ring: KeyRing, rescue: { slug: string; name: string }, actor: Actor, now = new Date()): Promise<ExportFile> {
  const datasets: Record<string, unknown[]> = {};
  const counts: Record<string, number> = {};
  for (const dataset of exportDatasets) {
    const rows = await dataset.load(db, ring);
    datasets[dataset.name] = rows.map((r) => jsonRow(dataset, r));
    counts[dataset.name] = rows.length;
  }
  await recordAudit(db, { actor, action: 'data.exported', target: { type: 'rescue', id: rescue.slug }, detail: { format: 'json', datasets: Object.keys(counts), rows: counts, personal: true } });
  const document = { format: 'kona-rescue-export', version: 1, rescue: { slug: rescue.slug, name: rescue.name }, exported_at: now.toISOString(), datasets };
  return { filename: `kona-${rescue.slug}-export-${stamp(now)}.json`, contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(document, null, 2)}\n` };
}
