import type { ExportDataset } from './export.dataset.js';
import { aiDraftsDataset } from './export.ai.js';
import { contractsDataset } from './export.contracts.js';
import { dogsDataset, treatmentsDataset, vaccinationsDataset, visitsDataset, weightsDataset } from './export.dogs.js';
import { dosesDataset, medicalDocumentsDataset, photosDataset } from './export.files.js';
import { notesDataset, placementsDataset, statusHistoryDataset } from './export.history.js';
import { applicationHistoryDataset, applicationsDataset, completionsDataset, peopleDataset, staffDataset } from './export.people.js';

export type { ExportDataset } from './export.dataset.js';

/**
 * Every dataset the export writes, in the order the page and the README list them. One more table
 * in the zip is one more entry here: its CSV (and JSON, and files) and its manifest lines follow.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one list of datasets of different row types; each is used only through its own load and columns
export const exportDatasets: readonly ExportDataset<any>[] = [
  dogsDataset, statusHistoryDataset, photosDataset, placementsDataset, notesDataset,
  vaccinationsDataset, treatmentsDataset, dosesDataset, visitsDataset, weightsDataset, medicalDocumentsDataset,
  staffDataset, peopleDataset, applicationsDataset, applicationHistoryDataset, completionsDataset, contractsDataset, aiDraftsDataset,
];

/** The dataset of that name, if any. */
export function findDataset(name: string): ExportDataset<unknown> | undefined {
  return exportDatasets.find((d) => d.name === name);
}
