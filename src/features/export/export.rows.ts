import { csvHead, csvLine } from './export.csv.js';
import type { ExportDataset, ExportSource } from './export.dataset.js';

/** Rows read per query: enough to keep the round trips few, small enough that no table is held whole. */
export const exportPageSize = 500;

/** A dataset's rows, a page at a time, in the dataset's order. */
export async function* datasetPages<T>(dataset: ExportDataset<T>, source: ExportSource, pageSize = exportPageSize): AsyncGenerator<T[]> {
  for (let offset = 0; ; offset += pageSize) {
    const rows = await dataset.load(source, { limit: pageSize, offset });
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
  }
}

/** A dataset as CSV text, a page per chunk; `counted` hears the number of rows once all are written. */
export async function* csvChunks<T>(dataset: ExportDataset<T>, pages: AsyncIterable<T[]>, counted: (rows: number) => void = () => {}): AsyncGenerator<string> {
  let rows = 0;
  yield csvHead(dataset.columns);
  for await (const page of pages) {
    rows += page.length;
    yield page.map((row) => csvLine(dataset.columns, row)).join('');
  }
  counted(rows);
}

/** A dataset as a JSON array (one row a line), a page per chunk; only for datasets with a `json` shape. */
export async function* jsonChunks<T>(dataset: ExportDataset<T> & { json: (row: T) => unknown }, pages: AsyncIterable<T[]>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of pages) {
    yield `${first ? '\n' : ',\n'}${page.map((row) => JSON.stringify(dataset.json(row))).join(',\n')}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
