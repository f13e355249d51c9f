export { documentReferencesBlob, type DocumentRow, vetUploadReferencesBlob } from './documents.queries.js';
export { addDays, dueHorizonDays, type DueItem, medicalDue, rescueToday } from './medical.due.js';
export { medicalDueDashboardCard } from './medical.due.views.js';
export { type DocumentHooks } from './documents.routes.js';
export { attachStoredDocument, documentOf, rescueBlobChecks, type StoredBlob } from './documents.service.js';
export { displayFileName, downloadName } from './documents.names.js';
export { addTreatment, addVaccination, hasMedicalEntry, type MedicalRecord, medicalRecord } from './medical.service.js';
export { vaccinationName } from './medical.fields.js';
export { repeatText } from './medical.schedule.js';
