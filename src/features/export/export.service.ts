import type { Readable } from 'node:stream';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import { notFound } from '../../platform/errors/errors.js';
import { writeArchive, type ArchiveSummary } from './export.archive.js';
import type { ExportSource } from './export.dataset.js';
import { exportDatasets, findDataset } from './export.datasets.js';
import { csvChunks, datasetPages } from './export.rows.js';
import { ZipWriter } from './export.zip.js';

/** One downloadable file: its generated name, content type and body. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

/** Who asks for an export, of which rescue, and when. */
export interface ExportRequest {
  rescue: { slug: string; name: string };
  actor: Actor;
  now: Date;
}

const stamp = (now: Date) => now.toISOString().slice(0, 10);

/** The file name a whole-rescue export is downloaded as. */
export const zipFileName = (slug: string, now: Date) => `kona-${slug}-export-${stamp(now)}.zip`;

/**
 * One dataset as CSV, with PII decrypted for this file only. The audit entry says which dataset,
 * how many rows and whether it held personal data: never any of the values.
 */
export async function exportCsv(source: ExportSource, name: string, { rescue, actor, now }: ExportRequest): Promise<ExportFile> {
  const dataset = findDataset(name);
  if (!dataset) throw notFound('That export');
  let rows = 0;
  let body = '';
  for await (const chunk of csvChunks(dataset, datasetPages(dataset, source), (n) => { rows = n; })) body += chunk;
  await recordAudit(source.db, { actor, action: 'data.exported', target: { type: 'rescue', id: rescue.slug }, detail: { format: 'csv', datasets: [dataset.name], rows: { [dataset.name]: rows }, personal: Boolean(dataset.personal) } });
  return { filename: `kona-${rescue.slug}-${dataset.name}-${stamp(now)}.csv`, contentType: 'text/csv; charset=utf-8', body };
}

function manifest(request: ExportRequest, zip: ZipWriter, summary: ArchiveSummary): Buffer {
  const document = {
    format: 'kona-rescue-export', version: 2, rescue: request.rescue, exported_at: request.now.toISOString(),
    rows: summary.rows, files: zip.entries, missing_files: summary.missing,
  };
  return Buffer.from(`${JSON.stringify(document, null, 2)}\n`);
}

/**
 * The whole rescue as one zip, written while it is read (see export.zip.ts). The audit entry (who,
 * when, how many rows and files, whether it finished; never any value) is recorded before the
 * manifest, the last entry, so a finished download is always audited; one that fails or is
 * abandoned is audited as incomplete. `onError` hears why an export stopped, for the log.
 */
export function exportZip(source: ExportSource, request: ExportRequest, onError: (err: Error) => void): Readable {
  const zip = new ZipWriter(request.now);
  const audit = (detail: Record<string, unknown>) =>
    recordAudit(source.db, { actor: request.actor, action: 'data.exported', target: { type: 'rescue', id: request.rescue.slug }, detail: { format: 'zip', personal: true, ...detail } });
  void (async () => {
    let summary: ArchiveSummary | undefined;
    try {
      summary = await writeArchive(zip, source, request.rescue, request.now, exportDatasets);
      await audit({ complete: true, datasets: Object.keys(summary.rows), rows: summary.rows, files: summary.files, missing_files: summary.missing.length });
      zip.finish({ path: 'manifest.json', body: manifest(request, zip, summary) });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      zip.fail(error);
      onError(error);
      await audit({ complete: false, entries: zip.entries.length }).catch(onError);
    }
  })();
  return zip.output;
}
