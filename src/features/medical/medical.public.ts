export { documentReferencesBlob } from './documents.queries.js';
export { addDays, dueHorizonDays, type DueItem, medicalDue, rescueToday } from './medical.due.js';
export { medicalDueDashboardCard } from './medical.due.views.js';
