/**
 * Interview questions, the simpler path: a question bank keyed by what the dog needs (temperament,
 * energy, special needs, age, size), by gaps in the applicant's answers (a topic no question asked,
 * or one answered blank or in a word), and by the review's flags (one open follow-up per concern).
 * Questions are about the home and the dog's needs, never about a protected characteristic.
 */
import { z } from 'zod';
import type { Answer, Flag } from './review.js';
import { clean, fold } from './text.js';

/** The dog facts the bank reads. */
export interface InterviewDog {
  name: string;
  goodWithDogs: 'yes' | 'no' | 'unknown';
  goodWithCats: 'yes' | 'no' | 'unknown';
  goodWithChildren: 'yes' | 'no' | 'unknown';
  energy: 'low' | 'medium' | 'high' | null;
  specialNeeds: string;
  ageMonths: number | null;
  size: 'small' | 'medium' | 'large' | 'xl' | null;
}

/** One suggested question and why it is suggested. */
export interface InterviewQuestion {
  question: string;
  /** What prompted it: the dog's needs, a gap in the answers, or a flag. */
  basis: 'dog' | 'gap' | 'flag';
  why: string;
}

/** The model path's output shape (and the JSON schema sent with it). */
export const modelQuestionsSchema = z.object({
  questions: z.array(z.object({
    question: z.string().min(5).max(300),
    basis: z.enum(['dog', 'gap', 'flag']),
    why: z.string().min(3).max(200),
  })).min(1).max(12),
});

/** Most questions suggested. */
export const maxQuestions = 12;

// Topics an adoption interview covers, and the words that show a question asked about one.
const topics: Array<{ id: string; label: string; asked: RegExp; question: (dog: string) => string }> = [
  { id: 'housing', label: 'housing', asked: /\b(home|house|housing|rent|rental|landlord|own or rent|apartment|flat|live)\b/, question: (d) => `Tell us about your home: do you rent or own, and does your lease or building allow a dog like ${d}?` },
  { id: 'alone', label: 'time alone', asked: /\b(alone|hours|schedule|work|routine|day)\b/, question: (d) => `On a typical weekday, how many hours would ${d} be on their own, and where in the home?` },
  { id: 'pets', label: 'other animals', asked: /\b(pets?|animals?|dogs?|cats?)\b/, question: () => 'Which other animals live in or regularly visit your home, and how do they get on with dogs?' },
  { id: 'visitors', label: 'who lives there or visits', asked: /\b(household|live with|lives with|visitors?|children|kids|people in)\b/, question: (d) => `Who lives in or often visits your home, and how would you introduce ${d} to them?` },
  { id: 'experience', label: 'experience with dogs', asked: /\b(experience|owned|previous|before|history)\b/, question: () => 'What dogs have you cared for before, and what happened to them?' },
  { id: 'vet', label: 'vet care', asked: /\b(vet|veterinar\w*|clinic)\b/, question: () => 'Which vet would you use, and how would you cover an unexpected vet bill?' },
  { id: 'exercise', label: 'exercise', asked: /\b(exercise|walks?|walking|active|activity|hike)\b/, question: (d) => `How would ${d} get exercise on a normal day and at weekends?` },
  { id: 'yard', label: 'outdoor space', asked: /\b(yard|garden|fence|fenced|outdoor)\b/, question: () => 'What outdoor space do you have, and is it fenced? How high?' },
];

// Answers that say nothing.
const empty = /^(?:n\/?a|na|none|no|nope|idk|not sure|unsure|\?+|-+|\.+|tbd|maybe|yes)$/;

/** The suggested questions, most useful first. */
export function interviewByRules(dog: InterviewDog, answers: Answer[], flags: Flag[] = []): InterviewQuestion[] {
  const name = clean(dog.name) || 'the dog';
  const out: InterviewQuestion[] = [];
  const add = (q: InterviewQuestion) => { if (out.length < maxQuestions && !out.some((o) => o.question === q.question)) out.push(q); };

  // What the dog needs comes first: these are why the rescue interviews at all.
  const sn = clean(dog.specialNeeds);
  if (sn) add({ question: `${name} has special needs (${sn.slice(0, 160)}). How would you manage them day to day, and what would you do if they cost more than expected?`, basis: 'dog', why: 'special needs on the record' });
  if (dog.goodWithCats === 'no') add({ question: `${name} has not done well with cats. Are there cats in your home or neighbourhood that ${name} would meet?`, basis: 'dog', why: 'not good with cats' });
  if (dog.goodWithDogs === 'no') add({ question: `${name} does best as the only dog. Do other dogs live with you or visit, and where do you walk?`, basis: 'dog', why: 'not good with other dogs' });
  if (dog.goodWithChildren === 'no') add({ question: `${name} is not comfortable around children. Do children visit your home, and how would you keep ${name} and them apart?`, basis: 'dog', why: 'not good with children' });
  for (const [field, label] of [['goodWithCats', 'cats'], ['goodWithDogs', 'other dogs'], ['goodWithChildren', 'children']] as const) {
    if (dog[field] === 'unknown') add({ question: `We do not yet know how ${name} is with ${label}. How would you handle a first meeting?`, basis: 'dog', why: `not known with ${label}` });
  }
  if (dog.energy === 'high') add({ question: `${name} has a lot of energy. What would a day of exercise and play look like, and what would you do on a day you cannot get out?`, basis: 'dog', why: 'high energy' });
  if (dog.energy === 'low') add({ question: `${name} enjoys a slow pace. How does that fit your household's routine?`, basis: 'dog', why: 'low energy' });
  if (dog.ageMonths !== null && dog.ageMonths < 12) add({ question: `${name} is a puppy. How would you handle house training, chewing and early socialisation?`, basis: 'dog', why: 'puppy' });
  if (dog.ageMonths !== null && dog.ageMonths >= 96) add({ question: `${name} is a senior dog. How would you handle more vet visits and any mobility changes?`, basis: 'dog', why: 'senior dog' });
  if (dog.size === 'large' || dog.size === 'xl') add({ question: `${name} is a big, strong dog. How would you manage walks on a lead and trips in the car?`, basis: 'dog', why: 'large size' });

  // Then the gaps in what the applicant told us.
  for (const t of topics) {
    const asked = answers.filter((a) => t.asked.test(fold(a.question)));
    const answered = asked.some((a) => { const f = fold(a.answer).replace(/[^\p{L}\p{N}/?.\- ]/gu, '').trim(); return f.split(' ').filter(Boolean).length >= 3 && !empty.test(f); });
    if (!answered) add({ question: t.question(name), basis: 'gap', why: asked.length ? `${t.label}: answered briefly or not at all` : `${t.label}: not asked on the form` });
  }

  // Then one open follow-up per flagged answer; the applicant's words stay in the quote, not the question.
  const byQuestion = new Map<string, Set<string>>();
  for (const f of flags) byQuestion.set(f.question, (byQuestion.get(f.question) ?? new Set()).add(f.concern));
  for (const [question, concerns] of byQuestion) {
    add({ question: `About your answer to "${question.slice(0, 100)}": can you tell us more, so we understand how it would work for ${name}?`, basis: 'flag', why: `possible ${concerns.size > 1 ? 'concerns' : 'concern'}: ${[...concerns].join('; ')}` });
  }
  return out;
}
