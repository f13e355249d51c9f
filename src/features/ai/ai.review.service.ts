/**
 * Reviewing one application: the answers against the rescue's active concerns, then interview
 * questions for it, each stored as a draft about the application (encrypted: it quotes the
 * applicant). The dog's page never lists these drafts. Nothing here reads or writes the
 * application's status: the review is advisory.
 */
import { notFound } from '../../platform/errors/errors.js';
import { applicationAnswersOf } from '../adoptions/adoptions.public.js';
import { ageOn, getDog } from '../dogs/dogs.public.js';
import { runFeature, type FeatureResult } from './ai.feature.js';
import { insertDraft, selectLatestDraftOf } from './ai.queries.js';
import { checkQuestions, interviewFeature, reviewFeature, storedReviewSchema, type StoredReview } from './ai.review.js';
import type { AiDeps } from './ai.service.js';
import { activeConcerns } from './concerns.service.js';
import type { InterviewDog, InterviewQuestion } from './screening/interview.js';
import { checkModelFlags, reviewByRules, type Answer } from './screening/review.js';

/** One stored result as the page shows it. */
export interface ReviewView<O> {
  output: O;
  path: 'model' | 'simpler';
  reason: string | null;
  createdAt: Date;
}

/** The latest review and interview questions of an application. */
export interface ApplicationReview {
  review?: ReviewView<StoredReview>;
  interview?: ReviewView<{ questions: InterviewQuestion[] }>;
}

const staffId = (deps: AiDeps) => (deps.actor.type === 'staff' ? (deps.actor.id ?? null) : null);

async function store(deps: AiDeps, feature: string, applicationId: string, result: FeatureResult<unknown>, output: unknown): Promise<void> {
  await insertDraft(deps.db, {
    feature, subject_kind: 'application', subject_id: applicationId, dog_id: null, input_digest: result.inputDigest,
    output_enc: deps.ring.encrypt(JSON.stringify(output)), model: result.model, backend: result.backend, prompt_version: result.promptVersion,
    path: result.path, fallback_reason: result.reason ?? null, latency_ms: result.latencyMs, created_by: staffId(deps),
  });
}

/** Reviews an application's answers and drafts interview questions; a 404 for an unknown application. */
export async function reviewApplication(deps: AiDeps, applicationId: string): Promise<void> {
  const app = await applicationAnswersOf(deps.db, deps.ring, applicationId);
  if (!app) throw notFound('That application');
  const answers: Answer[] = app.answers.map((a) => ({ question: a.label, answer: a.answer }));
  const concerns = await activeConcerns(deps.db);

  const reviewed = await runFeature(reviewFeature, { concerns, answers }, deps.rt);
  const checked = reviewed.path === 'model'
    ? checkModelFlags(reviewed.output, answers, concerns)
    : { flags: reviewByRules(answers, concerns), dropped: {}, replaced: {} };
  const sum = (m: Partial<Record<string, number>>) => Object.values(m).reduce<number>((n, x) => n + (x ?? 0), 0);
  const review: StoredReview = { flags: checked.flags, dropped: sum(checked.dropped), replaced: sum(checked.replaced) };
  await store(deps, reviewFeature.name, applicationId, reviewed, review);

  const d = await getDog(deps.db, app.dogId);
  const dog: InterviewDog = {
    name: d.name, goodWithDogs: d.good_with_dogs, goodWithCats: d.good_with_cats, goodWithChildren: d.good_with_children, energy: d.energy,
    specialNeeds: d.special_needs, size: d.size, ageMonths: d.birth_date ? (({ years, months }) => years * 12 + months)(ageOn(d.birth_date, deps.today)) : null,
  };
  const asked = await runFeature(interviewFeature, { dog, answers, flags: review.flags }, deps.rt);
  const questions = asked.path === 'model' ? checkQuestions(asked.output.questions) : asked.output.questions;
  // A model that left nothing after the check gives way to the question bank.
  await store(deps, interviewFeature.name, applicationId, asked, { questions: questions.length ? questions : interviewFeature.simpler({ dog, answers, flags: review.flags }).questions });
}

/** The latest review and interview questions of an application (decrypted), if any. */
export async function applicationReview(deps: Pick<AiDeps, 'db' | 'ring'>, applicationId: string): Promise<ApplicationReview> {
  const [r, i] = await Promise.all([selectLatestDraftOf(deps.db, reviewFeature.name, applicationId), selectLatestDraftOf(deps.db, interviewFeature.name, applicationId)]);
  const out: ApplicationReview = {};
  if (r) out.review = { output: storedReviewSchema.parse(JSON.parse(deps.ring.decrypt(r.output_enc))), path: r.path, reason: r.fallback_reason, createdAt: r.created_at };
  if (i) out.interview = { output: JSON.parse(deps.ring.decrypt(i.output_enc)) as { questions: InterviewQuestion[] }, path: i.path, reason: i.fallback_reason, createdAt: i.created_at };
  return out;
}
