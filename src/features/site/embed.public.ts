// What other features may use of the embeddable listing.
export { embedSnippet, EmbedSnippet } from './embed.snippet.js';
export { absoluteUrl } from './site.service.js';
