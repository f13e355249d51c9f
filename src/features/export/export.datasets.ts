import type { ExportDataset } from './export.dataset.js';
import { dogsDataset, treatmentsDataset, vaccinationsDataset, visitsDataset, weightsDataset } from './export.dogs.js';
import { notesDataset, placementsDataset, statusHistoryDataset } from './export.history.js';
import { applicationsDataset, peopleDataset } from './export.people.js';

export type { ExportDataset } from './export.dataset.js';

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
