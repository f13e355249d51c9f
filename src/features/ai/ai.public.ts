// What other features and the process may use of this one, from the files that hold it.
export { type AiFeature, type AiRuntime, type FeatureResult, runFeature } from './ai.feature.js';
export { loadPrompt, digestOf, type Prompt } from './ai.prompts.js';
export { aiRuntimeFrom } from './ai.runtime.js';
export { aiEncryptedColumns } from './ai.encryption.js';
export { aiJobs, altTextJob, extractDocumentJob, type AiJobDeps } from './ai.jobs.js';
export { exportAiDrafts, type ExportedDraft } from './ai.export.js';
export { extractionRoutes, queueExtraction } from './ai.extract.routes.js';
