// What other parts of Kona may use of photo matching, from the files that hold it.
export { describeImage, descriptorDimension, descriptorModelId } from './descriptor.js';
export { descriptorEmbedder, dispatcherEmbedders, embedderFor, type ImageEmbedder, type ModelEmbedderFactory } from './embedder.js';
export { forgetRejectedPhoto, queuePhotoEmbedding } from './matching.hooks.js';
export { embedPhotoJob, matchingJobs, reembedBatchSize, reembedJob } from './matching.jobs.js';
export { inCareStatuses } from './matching.queries.js';
export { assertMatchingAvailable, gradeOf, searchSimilar, searchSimilarExact, type MatchCandidate, type MatchGrade } from './matching.service.js';
