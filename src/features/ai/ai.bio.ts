/**
 * Feature 1, the adoption bio: drafted from the dog's public facts, its latest notes and its approved
 * photos (as image parts for a vision model, else their alt text), in a tone of the staff's choosing.
 * Simpler path: a template per tone, filled from the facts and the latest note.
 */
import { z } from 'zod';
import type { AiFeature } from './ai.feature.js';
import { dogPhrase, homeSentence, pronounOf, type DogFacts } from './ai.facts.js';

/** The tones a bio can take. */
export const bioTones = ['warm', 'short', 'funny'] as const;
/** One tone. */
export type BioTone = (typeof bioTones)[number];

/** What a bio is drafted from. */
export interface BioInput {
  dog: DogFacts;
  tone: BioTone;
  /** The latest notes, newest first (at most three). */
  notes: string[];
  /** Approved photos: their alt text, and a small JPEG data: URL for a vision model. */
  photos: Array<{ alt: string; image?: string }>;
}

/** A drafted bio. */
export const bioOutput = z.strictObject({ bio: z.string().trim().min(40).max(2000) });
/** A drafted bio's value. */
export type BioOutput = z.infer<typeof bioOutput>;

const contactLike = /[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{7,}\d|https?:\/\/|www\./i;

/**
 * The first sentence of the notes safe to quote in a public bio: none with contact details, and none
 * with a capitalised word past its first other than the dog's name (likely a person or a place), so
 * a note about "a walk with Jane" is never quoted. Undefined when no sentence qualifies.
 */
export function quotableSentence(notes: string[], dogName: string): string | undefined {
  for (const sentence of notes.flatMap((n) => n.trim().split(/(?<=[.!?])\s+/))) {
    const words = sentence.split(/\s+/).slice(1).map((w) => w.replace(/[^\p{L}'-]/gu, ''));
    if (sentence.length < 12 || sentence.length > 200 || contactLike.test(sentence)) continue;
    if (words.some((w) => /^\p{Lu}/u.test(w) && w !== dogName && w !== 'I')) continue;
    return sentence;
  }
  return undefined;
}

/** The template bio: deterministic, from facts and the latest note. */
export function simplerBio(input: BioInput): BioOutput {
  const f = input.dog;
  const p = pronounOf(f);
  const age = f.age ? `, ${f.age} old` : '';
  const intro = `${f.name} is a ${dogPhrase(f)}${age}.`;
  const home = homeSentence(f, p);
  const energy = f.energy ? `${p} has ${f.energy} energy.` : '';
  const needs = f.specialNeeds ? `${p} has some special needs: ${f.specialNeeds}.` : '';
  const quote = quotableSentence(input.notes, f.name);
  const note = quote ? `From ${f.name}'s latest update: "${quote}"` : '';
  const close = `Could ${f.name} be the one for you? Apply to meet ${f.sex === 'unknown' ? 'them' : f.sex === 'male' ? 'him' : 'her'}.`;
  const byTone: Record<BioTone, string[]> = {
    warm: [`Meet ${f.name}!`, intro, energy, home, needs, note, close],
    short: [intro, home, close],
    funny: [`Breaking news: ${f.name} is looking for a sofa to share.`, intro, energy, home, needs, note, `Applications are open, treats are negotiable.`],
  };
  return { bio: byTone[input.tone].filter(Boolean).join(' ').padEnd(40, '.') };
}

/** The bio feature's definition. */
export const bioFeature: AiFeature<BioInput, BioOutput> = {
  name: 'bio',
  subjectKind: 'dog',
  priority: 'drafting',
  prompt: 'bio',
  deadline: 'drafting',
  output: bioOutput,
  maxTokens: 600,
  data: (input) => ({ tone: input.tone, dog: input.dog, latestNotes: input.notes, photos: input.photos.map((p) => p.alt || 'no description') }),
  images: (input) => input.photos.flatMap((p) => (p.image ? [p.image] : [])),
  simpler: simplerBio,
};
