/** What other features may use of maintenance windows: the upcoming ones and how a time reads. */
export { formatUtc, upcomingWindows } from './maintenance.service.js';
