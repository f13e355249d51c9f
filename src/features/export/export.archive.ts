import type { ExportDataset, ExportSource } from './export.dataset.js';
import { readmeText } from './export.readme.js';
import { csvChunks, datasetPages, jsonChunks } from './export.rows.js';
import { settingsJson } from './export.settings.js';
import type { ZipWriter } from './export.zip.js';

/** What an export wrote: rows per dataset, binary files copied, and stored files that were missing. */
export interface ArchiveSummary {
  rows: Record<string, number>;
  files: number;
  missing: string[];
}

/**
 * Writes the rescue's data into the zip: the README, the settings, each dataset as CSV (and JSON
 * where rows nest), then every binary file its rows refer to. The manifest is the caller's, last.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- datasets of different row types, each used only through itself
export async function writeArchive(zip: ZipWriter, source: ExportSource, rescue: { name: string; slug: string }, exportedAt: Date, datasets: readonly ExportDataset<any>[]): Promise<ArchiveSummary> {
  const text = { compress: true };
  await zip.add('README.txt', [readmeText(rescue, exportedAt, datasets)], text);
  await zip.add('settings.json', [await settingsJson(source.db)], text);
  const rows: Record<string, number> = {};
  for (const dataset of datasets) {
    await zip.add(`${dataset.name}.csv`, csvChunks(dataset, datasetPages(dataset, source), (n) => { rows[dataset.name] = n; }), text);
    if (dataset.json) await zip.add(`${dataset.name}.json`, jsonChunks(dataset as ExportDataset<unknown> & { json: (row: unknown) => unknown }, datasetPages(dataset, source)), text);
  }
  let files = 0;
  const missing: string[] = [];
  for (const dataset of datasets) {
    if (!dataset.attachments) continue;
    for await (const page of datasetPages(dataset, source)) {
      for (const attachment of page.flatMap(dataset.attachments)) {
        const blob = await source.stores[attachment.store].get(attachment.key);
        if (!blob) { missing.push(attachment.path); continue; }
        // Photos and PDFs are compressed already: stored as they are, no time spent deflating them.
        await zip.add(attachment.path, blob.stream, { compress: false });
        files += 1;
      }
    }
  }
  return { rows, files, missing };
}
