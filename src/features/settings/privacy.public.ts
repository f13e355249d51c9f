/** What other features may use of the rescue's privacy choices. */
export { viewersSeeContactDetails } from './privacy.js';
