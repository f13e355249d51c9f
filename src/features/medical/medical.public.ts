export { documentReferencesBlob } from './documents.queries.js';
