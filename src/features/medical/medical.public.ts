export { documentReferencesBlob } from './documents.queries.js';

export { dueHorizonDays, medicalDue, rescueToday, type DueItem } from './medical.due.js';
export { medicalDueDashboardCard } from './medical.due.views.js';

export { addDays } from './medical.due.js';
