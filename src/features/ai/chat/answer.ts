/**
 * The chat's answers: what the record search says (the simpler path), and what a model's streamed
 * text becomes once checked against the passages it was given. An answer that cites no passage it
 * was given is never shown as the model wrote it: it becomes "not in the record" with the passages
 * the search finds, so nothing the model made up reaches the page as if it were the record.
 */
import { checkAnswer, notInRecord, type AnswerSentence } from './citations.js';
import type { DogRecord, Passage } from './record.js';
import { searchRecord } from './search.js';

/** One answer: text, the passages it rests on, which path made it, and what the page should say about it. */
export interface ChatAnswer {
  text: string;
  passages: Passage[];
  path: 'model' | 'simpler';
  /** The model's answer sentence by sentence with its citations (model path, when it cited the record). */
  sentences?: AnswerSentence[];
  /** Said above the answer: why the search answered, or what the check changed. */
  notice?: string;
}

/** The record search's answer: the matching passages, or "not in the record". */
export function simplerAnswer(record: DogRecord, question: string, notice?: string): ChatAnswer {
  const hits = searchRecord(record, question);
  const extra = notice ? { notice } : {};
  if (hits.length === 0) return { text: `That is ${notInRecord}.`, passages: [], path: 'simpler', ...extra };
  return { text: `These passages of ${record.dogName}'s record match your question:`, passages: hits.map((h) => h.passage), path: 'simpler', ...extra };
}

/** A model's whole answer, checked against the passages it was given (`given`). */
export function modelAnswer(record: DogRecord, question: string, text: string, given: readonly Passage[]): ChatAnswer {
  const checked = checkAnswer(text, record, new Set(given.map((p) => p.id)));
  const cited = new Map<string, Passage>();
  for (const s of checked.sentences) for (const c of s.cites) cited.set(c.id, c);
  if (cited.size === 0) {
    const hits = searchRecord(record, question).map((h) => h.passage);
    const notice = checked.saysNotInRecord
      ? (hits.length ? 'These passages may be related:' : undefined)
      : 'The model\'s answer cited nothing in the record, so it is not shown.' + (hits.length ? ' These passages match your question:' : '');
    return { text: `That is ${notInRecord}.`, passages: hits, path: 'model', ...(notice ? { notice } : {}) };
  }
  const notes = [
    checked.uncitedSentences ? 'Check the marked sentences: they cite nothing in the record.' : '',
    checked.invalidCitations ? `${checked.invalidCitations} citation(s) of passages that are not in this record were dropped.` : '',
  ].filter(Boolean).join(' ');
  return {
    text: checked.sentences.map((s) => s.text).join(' '),
    passages: [...cited.values()],
    path: 'model',
    sentences: checked.sentences,
    ...(notes ? { notice: notes } : {}),
  };
}
