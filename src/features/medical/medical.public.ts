export { documentReferencesBlob } from './documents.queries.js';
export { addDays, dueHorizonDays, type DueItem, medicalDue, rescueToday } from './medical.due.js';
export { medicalDueDashboardCard } from './medical.due.views.js';
export { type DocumentHooks } from './documents.routes.js';
export { documentOf } from './documents.service.js';
export { addTreatment, addVaccination, hasMedicalEntry } from './medical.service.js';
