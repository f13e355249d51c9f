export { formatUtc, upcomingWindows } from './maintenance.service.js';
