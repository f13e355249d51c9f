/**
 * Applicant answer review: possible red flags, each with the quoted passage, a reason and the
 * rescue's concern it matches. Advisory only: nothing here reads or writes an application's status.
 *
 * Two sources, one shape. The rules path (reviewByRules) is the simpler path and never fails. The
 * model path's output passes checkModelFlags before anyone sees it: a flag survives only when its
 * concern is one of the rescue's, its quote is really in the named answer, its reason is the
 * model's own words (not the applicant's repeated back, not an instruction), and nothing in it is
 * about a protected characteristic. Applicant text is data: it is never obeyed, and a reason is
 * never built from it.
 */
import { z } from 'zod';
import type { Concern } from './concerns.js';
import { namesProtectedCharacteristic } from './protected.js';
import { compileRule, matchRule, wordsOf } from './rules.js';
import { clean, fold, quoteOccursIn, sentenceAround, shingles } from './text.js';

/** One answered question, as the review reads it. */
export interface Answer {
  question: string;
  answer: string;
}

/** Longest quote a flag carries. */
export const maxQuote = 200;
/** Most flags one review returns. */
export const maxFlags = 20;

/** A flag as the model must return it (also the JSON schema sent as response_format). */
export const modelFlagsSchema = z.object({
  flags: z.array(z.object({
    concern: z.string().max(40).describe('the id of one of the rescue\'s concerns'),
    question: z.string().max(300).describe('the question whose answer holds the passage, as given'),
    quote: z.string().min(1).max(400).describe('the exact passage from that answer'),
    reason: z.string().min(1).max(300).describe('why the passage matches the concern, in your own words'),
  })).max(maxFlags),
});

/** What the model returned. */
export type ModelFlags = z.infer<typeof modelFlagsSchema>;

/** A flag shown to staff. */
export interface Flag {
  concernId: string;
  concern: string;
  question: string;
  quote: string;
  reason: string;
  source: 'rules' | 'model';
}

/** Why a model flag was dropped (counted, never shown with the text). */
export type DropReason = 'unknown-concern' | 'quote-not-in-answer' | 'protected-characteristic' | 'duplicate';

/** Why a model flag's reason was replaced by the rescue's own wording (the flag itself kept). */
export type ReplaceReason = 'instruction-like' | 'repeats-applicant' | 'too-short';

/** The reason a rules flag gives, and a model flag's when its own cannot be shown. */
export const ruleReason = (concern: Concern, phrase?: string) => `Matches the rescue's concern "${concern.label}"${phrase ? ` (rule: ${phrase})` : ''}.`;

/** The rules path: every concern's rules over every answer, one flag per concern and sentence. */
export function reviewByRules(answers: Answer[], concerns: Concern[]): Flag[] {
  const compiled = concerns.map((c) => ({ concern: c, rules: c.rules.map(compileRule) }));
  const flags: Flag[] = [];
  const seen = new Set<string>();
  for (const a of answers) {
    const text = clean(a.answer);
    for (const s of sentences(text)) {
      const folded = fold(s.text);
      const words = wordsOf(folded);
      if (words.length === 0) continue;
      for (const { concern, rules } of compiled) {
        let hit: [number, number] | undefined;
        const rule = rules.find((r) => (hit = matchRule(r, words)[0]) !== undefined);
        if (!rule || !hit) continue;
        // Folding keeps the sentence's shape closely enough to place the match by proportion.
        const scale = s.text.length / Math.max(1, folded.length);
        const at = s.start + Math.round(words[hit[0]]!.start * scale);
        const to = s.start + Math.round(words[hit[1]]!.end * scale);
        const quote = sentenceAround(text, Math.max(s.start, at), Math.min(s.end, Math.max(at + 1, to)), maxQuote);
        const key = `${concern.id}\u0000${quote}`;
        if (seen.has(key) || namesProtectedCharacteristic(quote)) continue;
        seen.add(key);
        flags.push({ concernId: concern.id, concern: concern.label, question: clean(a.question), quote, reason: ruleReason(concern, rule.phrase), source: 'rules' });
        if (flags.length >= maxFlags) return flags;
      }
    }
  }
  return flags;
}

/** The sentences of cleaned text with where each sits. */
function sentences(text: string): Array<{ text: string; start: number; end: number }> {
  const out: Array<{ text: string; start: number; end: number }> = [];
  for (const m of text.matchAll(/[^.!?\n]+[.!?]*/g)) {
    if (m[0].trim()) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

// Words a reason has no business holding: the language of instructions and of the prompt itself.
const instructionLike = /\b(?:ignore|disregard|override|system prompt|previous instructions|instructions?|as an ai|language model|json|approved?|reject(?:ed)?|verdict|pre-?approved|assistant|developer mode|jailbreak|password|no (?:red )?flags|no concerns)\b|<\/?[a-z|]|\[\/?inst\]|<\|/;

// Words too common to show that a reason copies the applicant: function words and the domain's own.
const common = new Set(('the a an and or but if of to in on at by for with from as is are was were be been being it its this that these those they them their he she his her we our you your i me my ' +
  'not no would will could should can may might has have had do does did so than then there here very more most such also just only into out about over under ' +
  'dog dogs puppy applicant applicants answer answers home house rescue concern concerns passage says said mentions mentioned which who what when where why how').split(' '));

/** Content words of folded text. */
function contentWords(text: string): string[] {
  return fold(text).replace(/[^\p{L}\p{N}' -]+/gu, ' ').split(/[\s-]+/).filter((w) => w.length >= 3 && !common.has(w));
}

/**
 * The post-check of model flags. Returns the flags kept, with the rescue's own concern label, and
 * counts of what was dropped or had its reason replaced; the text itself is not returned or logged.
 * A flag whose concern and quote hold but whose reason cannot be shown (an instruction, the
 * applicant's words repeated back, too short to be a reason) keeps the rescue's wording instead.
 */
export function checkModelFlags(output: ModelFlags, answers: Answer[], concerns: Concern[]): {
  flags: Flag[];
  dropped: Partial<Record<DropReason, number>>;
  replaced: Partial<Record<ReplaceReason, number>>;
} {
  const byId = new Map(concerns.map((c) => [c.id, c]));
  const dropped: Partial<Record<DropReason, number>> = {};
  const replaced: Partial<Record<ReplaceReason, number>> = {};
  const count = <K extends string>(m: Partial<Record<K, number>>, k: K) => { m[k] = (m[k] ?? 0) + 1; };
  const applicantWords = new Set(answers.flatMap((a) => contentWords(a.answer)));
  const applicantShingles = new Set(answers.flatMap((a) => [...shingles(a.answer, 4)]));
  const kept: Flag[] = [];
  const seen = new Set<string>();
  for (const f of output.flags) {
    const concern = byId.get(f.concern.trim());
    if (!concern) { count(dropped, 'unknown-concern'); continue; }
    const home = answers.find((a) => fold(a.question) === fold(f.question) && quoteOccursIn(f.quote, a.answer))
      ?? answers.find((a) => quoteOccursIn(f.quote, a.answer));
    if (!home) { count(dropped, 'quote-not-in-answer'); continue; }
    let reason = clean(f.reason);
    if (namesProtectedCharacteristic(reason) || namesProtectedCharacteristic(f.quote)) { count(dropped, 'protected-characteristic'); continue; }
    const quote = clean(f.quote).slice(0, maxQuote);
    const key = `${concern.id}\u0000${fold(quote)}`;
    if (seen.has(key)) { count(dropped, 'duplicate'); continue; }
    seen.add(key);
    const words = contentWords(reason);
    const copied = words.filter((w) => applicantWords.has(w)).length;
    const concernWords = new Set(contentWords(concern.label));
    const own = words.filter((w) => !applicantWords.has(w) && !concernWords.has(w)).length;
    if (instructionLike.test(fold(reason))) { count(replaced, 'instruction-like'); reason = ruleReason(concern); }
    else if ([...shingles(reason, 4)].some((s) => applicantShingles.has(s)) || (copied >= 2 && copied > own)) { count(replaced, 'repeats-applicant'); reason = ruleReason(concern); }
    else if (reason.split(' ').length < 4) { count(replaced, 'too-short'); reason = ruleReason(concern); }
    kept.push({ concernId: concern.id, concern: concern.label, question: clean(home.question), quote, reason, source: 'model' });
  }
  return { flags: kept, dropped, replaced };
}
