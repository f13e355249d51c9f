/**
 * The chat's simpler path, and the retrieval its model path starts from: a search of one dog's
 * record that returns the passages matching a question, best first. Words are folded (case,
 * accents, Unicode tricks), cut to a rough stem and widened by a few synonyms of the domain
 * ("jab" finds a vaccination, "kids" finds children); passages score by BM25 over the record.
 */
import { fold } from '../screening/text.js';
import type { DogRecord, Passage } from './record.js';

const stop = new Set(('a an and are as at be been but by can could did do does for from had has have he her him his how i if in into is it its ' +
  'me my no not of on or our she so than that the their them then there these they this those to up was we were what when where which who why ' +
  'will with would you your about any anything ever tell know record dog dogs').split(' '));

// Words people ask with, folded to the words the record uses.
const synonyms: Record<string, string[]> = {
  jab: ['vaccin'], shot: ['vaccin'], vaccin: ['vaccin'], immunis: ['vaccin'], immuniz: ['vaccin'], booster: ['vaccin'], rabi: ['rabi'],
  kid: ['children'], child: ['children'], children: ['children'], toddler: ['children'], baby: ['children'],
  cat: ['cat'], kitten: ['cat'], feline: ['cat'],
  med: ['medic', 'treatment'], medicin: ['medic', 'treatment'], pill: ['medic', 'treatment'], drug: ['medic', 'treatment'],
  chip: ['microchip'], microchip: ['microchip'],
  neuter: ['neuter', 'spay'], spay: ['spay', 'neuter'], fix: ['spay', 'neuter'], desex: ['spay', 'neuter'], castrat: ['neuter'],
  weigh: ['weigh'], kg: ['weigh'], heavy: ['weigh'], weight: ['weigh'],
  foster: ['foster'], placement: ['foster'], placed: ['foster'],
  vet: ['vet'], clinic: ['vet'], visit: ['visit', 'vet'],
  energy: ['energy'], active: ['energy'], exercis: ['energy'],
  old: ['born', 'old'], age: ['born', 'old'], born: ['born'],
  breed: ['breed'], size: ['size'], colour: ['colour'], color: ['colour'],
  due: ['due'], next: ['due', 'next'],
  applic: ['applic'], adopter: ['applic'],
  note: ['note'], say: ['note'], said: ['note'], wrote: ['note'], writ: ['note'], mention: ['note'], comment: ['note'], worm: ['worm'], flea: ['flea'], tick: ['tick'],
};

/** A rough stem: enough to meet "vaccinated" and "vaccination", "children" and "child". */
export function stem(word: string): string {
  let w = word;
  for (const suffix of ['ations', 'ation', 'ating', 'ated', 'ates', 'ate', 'ising', 'izing', 'ised', 'ized', 'ings', 'ing', 'ies', 'ied', 'ed', 'es', 's']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) { w = w.slice(0, -suffix.length); break; }
  }
  if (w.endsWith('ren') && w.length > 5) w = w.slice(0, -3); // children → child
  return w;
}

/** The search terms of a piece of text. */
export function terms(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter((w) => w && !stop.has(w)).map(stem);
}

/** The terms a question searches for, with the record's own words for them. */
function queryTerms(question: string): string[] {
  const out = new Set<string>();
  for (const t of terms(question)) {
    out.add(t);
    for (const [key, words] of Object.entries(synonyms)) if (t.startsWith(key)) for (const s of words) out.add(stem(s));
  }
  return [...out];
}

/** A passage with its score. */
export interface Hit { passage: Passage; score: number }

/**
 * The passages of `record` matching `question`, best first (at most `limit`); none when nothing
 * in the record matches, which the caller shows as "not in the record".
 */
export function searchRecord(record: DogRecord, question: string, limit = 5): Hit[] {
  const q = queryTerms(question);
  if (q.length === 0) return [];
  const docs = record.passages.map((p) => terms(`${p.section} ${p.text}`));
  const avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  // Document frequency with prefix matching, so a synonym's stem meets every form of the word.
  const has = (doc: string[], t: string) => doc.filter((w) => w.startsWith(t)).length;
  const df = new Map(q.map((t) => [t, docs.filter((d) => has(d, t) > 0).length]));
  const N = docs.length;
  const hits: Hit[] = [];
  docs.forEach((doc, i) => {
    let score = 0;
    for (const t of q) {
      const tf = has(doc, t);
      if (!tf) continue;
      const n = df.get(t) ?? 0;
      const idf = Math.log(1 + (N - n + 0.5) / (n + 0.5));
      score += idf * ((tf * 2.2) / (tf + 1.2 * (0.25 + 0.75 * (doc.length / Math.max(1, avg)))));
    }
    if (score > 0) hits.push({ passage: record.passages[i]!, score });
  });
  hits.sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id));
  // Keep the hits that carry weight: a passage that matched only a word every passage has is noise.
  const best = hits[0]?.score ?? 0;
  return hits.filter((h) => h.score >= best * 0.25).slice(0, limit);
}
