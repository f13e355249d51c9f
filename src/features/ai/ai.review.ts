/**
 * Applicant answer review and interview questions (features 3 and 4) as AiFeatures. The review's
 * model output always passes checkModelFlags (screening/review.ts) before anyone sees it; its simpler
 * path is the rescue's phrase rules. Interview questions fall back to the question bank, and a model
 * question about a protected characteristic is dropped. Advisory only: nothing here changes an
 * application.
 */
import { z } from 'zod';
import type { AiFeature } from './ai.feature.js';
import type { Concern } from './screening/concerns.js';
import { interviewByRules, maxQuestions, modelQuestionsSchema, type InterviewDog, type InterviewQuestion } from './screening/interview.js';
import { namesProtectedCharacteristic } from './screening/protected.js';
import { modelFlagsSchema, reviewByRules, type Answer, type Flag, type ModelFlags } from './screening/review.js';

/** What the review reads. */
export interface ReviewInput {
  concerns: Concern[];
  answers: Answer[];
}

/** The review: the rescue's concerns (id and label, never the rules) and the answers, as data. */
export const reviewFeature: AiFeature<ReviewInput, ModelFlags> = {
  name: 'review',
  subjectKind: 'application',
  priority: 'drafting',
  prompt: 'review',
  deadline: 'drafting',
  output: modelFlagsSchema,
  maxTokens: 1200,
  data: (i) => ({ concerns: i.concerns.map((c) => ({ id: c.id, concern: c.label })), answers: i.answers }),
  simpler: (i) => ({ flags: reviewByRules(i.answers, i.concerns).map((f) => ({ concern: f.concernId, question: f.question, quote: f.quote, reason: f.reason })) }),
};

/** What a stored review holds: the flags shown, and how many model flags the post-check dropped or reworded. */
export const storedReviewSchema = z.object({
  flags: z.array(z.object({ concernId: z.string(), concern: z.string(), question: z.string(), quote: z.string(), reason: z.string(), source: z.enum(['rules', 'model']) })),
  dropped: z.number().int().min(0),
  replaced: z.number().int().min(0),
});

/** A stored review. */
export type StoredReview = z.infer<typeof storedReviewSchema>;

/** What interview questions read. */
export interface InterviewInput {
  dog: InterviewDog;
  answers: Answer[];
  flags: Flag[];
}

/** Interview questions: the dog's facts, the answers and the review's flags (concern and question only). */
export const interviewFeature: AiFeature<InterviewInput, z.infer<typeof modelQuestionsSchema>> = {
  name: 'interview',
  subjectKind: 'application',
  priority: 'drafting',
  prompt: 'interview',
  deadline: 'drafting',
  output: modelQuestionsSchema,
  maxTokens: 1200,
  data: (i) => ({ dog: i.dog, answers: i.answers, possibleConcerns: i.flags.map((f) => ({ concern: f.concern, question: f.question })) }),
  simpler: (i) => ({ questions: interviewByRules(i.dog, i.answers, i.flags) }),
};

/** Model questions that may be shown: none about a protected characteristic, at most the limit. */
export function checkQuestions(questions: InterviewQuestion[]): InterviewQuestion[] {
  return questions.filter((q) => !namesProtectedCharacteristic(q.question) && !namesProtectedCharacteristic(q.why)).slice(0, maxQuestions);
}
