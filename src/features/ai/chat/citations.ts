/**
 * Citations in a chat answer. The model cites the passages it was given as `[profile-3]`; an answer
 * is split into text and citations, and a citation the model made up (an id it was not given, for
 * this dog or any other) is dropped and counted, never linked. A sentence with no citation is
 * counted too, unless it says the record does not hold the answer, so the page can say so.
 */
import type { DogRecord, Passage } from './record.js';

/** What the assistant says when the record does not hold the answer. */
export const notInRecord = 'not in the record';

/** A piece of an answer: text, or a citation of one passage. */
export type AnswerPart = { text: string } | { cite: Passage };

/** One sentence of an answer and the passages it cites; `uncited` when it states something without one. */
export interface AnswerSentence {
  text: string;
  cites: Passage[];
  uncited: boolean;
}

/** An answer checked against the record it was drawn from. */
export interface CheckedAnswer {
  parts: AnswerPart[];
  /** The answer sentence by sentence, each with the passages it cites. */
  sentences: AnswerSentence[];
  /** Citations of passages that were not given (made up, or another record's). */
  invalidCitations: number;
  /** Sentences that cite nothing and do not say "not in the record". */
  uncitedSentences: number;
  /** Whether the answer says the record does not hold it. */
  saysNotInRecord: boolean;
}

const marker = /\[((?:profile|medical|notes|placements|history|applications)-\d{1,5})\]|\[([a-z]+-[0-9a-z-]{1,40})\]/g;

/** Splits and checks an answer; `given` are the passage ids the model was shown. */
export function checkAnswer(answer: string, record: DogRecord, given: ReadonlySet<string>): CheckedAnswer {
  const byId = new Map(record.passages.map((p) => [p.id, p]));
  const parts: AnswerPart[] = [];
  let invalid = 0;
  let at = 0;
  for (const m of answer.matchAll(marker)) {
    if (m.index > at) parts.push({ text: answer.slice(at, m.index) });
    const id = m[1] ?? m[2] ?? '';
    const passage = given.has(id) ? byId.get(id) : undefined;
    if (passage) parts.push({ cite: passage });
    else invalid++;
    at = m.index + m[0].length;
  }
  if (at < answer.length) parts.push({ text: answer.slice(at) });
  const merged: AnswerPart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if ('text' in p && last && 'text' in last) last.text += p.text;
    else merged.push(p);
  }
  const sentences = sentencesOf(merged);
  const uncited = sentences.filter((x) => x.uncited).length;
  return { parts: merged, sentences, invalidCitations: invalid, uncitedSentences: uncited, saysNotInRecord: answer.toLowerCase().includes(notInRecord) };
}

/**
 * Splits checked parts into sentences. A citation belongs to the sentence it follows, whether the
 * model put it before the full stop ("… cats [profile-5].") or after it ("… cats. [profile-5]").
 */
export function sentencesOf(parts: readonly AnswerPart[]): AnswerSentence[] {
  const out: AnswerSentence[] = [];
  let text = '';
  let cites: Passage[] = [];
  const letters = (t: string) => /\p{L}/u.test(t);
  const close = () => {
    const clean = text.replace(/\s+([.,;:!?])/g, '$1').replace(/\s+/g, ' ').trim();
    if (letters(clean)) out.push({ text: clean, cites, uncited: cites.length === 0 && !clean.toLowerCase().includes(notInRecord) });
    else if (cites.length && out.length) out[out.length - 1]!.cites.push(...cites);
    text = '';
    cites = [];
  };
  for (const p of parts) {
    if ('cite' in p) {
      const last = out[out.length - 1];
      if (!letters(text) && last) {
        if (!last.cites.some((c) => c.id === p.cite.id)) last.cites.push(p.cite);
        last.uncited = false;
      } else if (!cites.some((c) => c.id === p.cite.id)) cites.push(p.cite);
      continue;
    }
    p.text.split(/(?<=[.!?])\s+/).forEach((piece, i) => {
      if (i > 0) close();
      text += piece;
    });
  }
  close();
  return out;
}
