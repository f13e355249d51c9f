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

/** An answer checked against the record it was drawn from. */
export interface CheckedAnswer {
  parts: AnswerPart[];
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
  // A sentence is cited when a citation follows it before the next sentence starts.
  let uncited = 0;
  let pending = '';
  const close = () => { if (/\p{L}/u.test(pending) && !pending.toLowerCase().includes(notInRecord)) uncited++; pending = ''; };
  for (const p of merged) {
    if ('cite' in p) { pending = ''; continue; }
    const pieces = p.text.split(/(?<=[.!?])\s+/);
    pieces.forEach((piece, i) => {
      if (i > 0) close();
      pending += piece;
    });
  }
  close();
  return { parts: merged, invalidCitations: invalid, uncitedSentences: uncited, saysNotInRecord: answer.toLowerCase().includes(notInRecord) };
}
