/**
 * Phrase rules: how a rescue writes what it looks for in an application, and how a rule finds it.
 * A rule is one line of words matched whole, in order, case- and accent-blind and through Unicode
 * tricks (text.ts). Between two words of a rule up to three other words may stand ("keep outside"
 * finds "keep the dog outside"). `*` ends a word with any ending ("breed*": breed, breeder,
 * breeding); `#` stands for a number ("alone # hours"). A match just after a negation ("never",
 * "not", "won't"…) is not a match, unless the rule itself holds one ("don't believe in vaccin*").
 */
import { z } from 'zod';
import { fold } from './text.js';

/** Words that turn a following phrase around. */
const negations = new Set(['not', 'never', 'no', 'nor', 'without', "won't", 'wont', "wouldn't", "don't", 'dont', "doesn't", "didn't", "isn't", "aren't", "can't", 'cannot', "shouldn't", 'neither', 'none', 'nobody', 'nothing']);

/** Most words allowed between two words of a rule. */
const gap = 3;

/** A phrase rule as a rescue types it: 1 to 8 words, letters, digits, apostrophes, hyphens, `*` and `#`. */
export const phraseSchema = z.string().trim()
  .transform((s) => s.normalize('NFKC').replace(/\s+/g, ' '))
  .pipe(z.string()
    .min(2, 'a rule needs at least 2 characters')
    .max(80, 'a rule is at most 80 characters')
    .regex(/^[\p{L}\p{N}'’\-*# ]+$/u, 'a rule holds only letters, digits, apostrophes, hyphens, spaces, * (any ending) and # (a number)')
    .refine((s) => s.split(' ').length <= 8, 'a rule is at most 8 words')
    .refine((s) => !/^[*#\s]+$/.test(s), 'a rule needs at least one word'));

/** A word of a rule, compiled. */
type Token = (word: string) => boolean;

/** A rule compiled once. */
export interface CompiledRule {
  phrase: string;
  tokens: Token[];
  negated: boolean;
}

/** Compiles a rule (already valid by phraseSchema). */
export function compileRule(phrase: string): CompiledRule {
  const words = fold(phrase).split(' ').filter(Boolean);
  const tokens = words.map((word): Token => {
    if (word === '#') return (w) => /^\d+(?:[.,]\d+)?$/.test(w) || numberWords.has(w);
    if (word.endsWith('*')) {
      const stem = word.slice(0, -1);
      return (w) => w.startsWith(stem);
    }
    return (w) => w === word;
  });
  return { phrase, tokens, negated: words.some((w) => negations.has(w)) };
}

const numberWords = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'several', 'many', 'few']);

/** A word of folded text with where it sits in the folded string. */
interface Word { text: string; start: number; end: number }

/** The words of already-folded text. */
export function wordsOf(folded: string): Word[] {
  const out: Word[] = [];
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** Where a rule matches in folded words: [first word, last word] index pairs, negated matches left out. */
export function matchRule(rule: CompiledRule, words: Word[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (rule.tokens.length === 0) return out;
  for (let i = 0; i < words.length; i++) {
    if (!rule.tokens[0]!(words[i]!.text)) continue;
    let at = i;
    let ok = true;
    for (let t = 1; t < rule.tokens.length && ok; t++) {
      let found = -1;
      for (let j = at + 1; j <= Math.min(words.length - 1, at + 1 + gap); j++) {
        if (rule.tokens[t]!(words[j]!.text)) { found = j; break; }
      }
      if (found < 0) ok = false;
      else at = found;
    }
    if (!ok) continue;
    if (!rule.negated && negatedBefore(words, i)) continue;
    out.push([i, at]);
  }
  return out;
}

/** Whether one of the three words before `i` is a negation (callers match one sentence at a time). */
function negatedBefore(words: Word[], i: number): boolean {
  for (let k = i - 1; k >= Math.max(0, i - 3); k--) if (negations.has(words[k]!.text)) return true;
  return false;
}
