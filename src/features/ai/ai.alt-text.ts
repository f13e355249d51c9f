/**
 * Feature 2, alt text for an approved photo: drafted in batch after approval (the `ai.alt-text` job)
 * or when staff press "Draft alt text". A vision model sees the photo; otherwise the model writes from
 * the record. Simpler path: breed, colour and size from the record plus the photo's dominant colours.
 */
import { z } from 'zod';
import type { AiFeature } from './ai.feature.js';
import { dogPhrase, type DogFacts } from './ai.facts.js';

/** What alt text is drafted from. */
export interface AltTextInput {
  dog: DogFacts;
  /** The photo's dominant colour names (sharp). */
  colours: string[];
  /** A small JPEG data: URL for a vision model. */
  image?: string;
}

// dog_photos.alt_text holds at most 300 characters.
/** Drafted alt text. */
export const altTextOutput = z.strictObject({ altText: z.string().trim().min(10).max(300) });
/** Drafted alt text's value. */
export type AltTextOutput = z.infer<typeof altTextOutput>;

/** The template alt text. */
export function simplerAltText(input: AltTextInput): AltTextOutput {
  const tones = input.colours.length ? `, in a picture with mostly ${input.colours.join(' and ')} tones` : '';
  return { altText: `${input.dog.name}, a ${dogPhrase(input.dog)}${tones}.`.slice(0, 300) };
}

/** The alt text feature's definition. */
export const altTextFeature: AiFeature<AltTextInput, AltTextOutput> = {
  name: 'alt-text',
  subjectKind: 'photo',
  priority: 'batch',
  prompt: 'alt-text',
  deadline: 'batch',
  output: altTextOutput,
  maxTokens: 120,
  data: (input) => ({ dog: { name: input.dog.name, breeds: input.dog.breeds, colour: input.dog.colour, size: input.dog.size }, dominantColours: input.colours }),
  images: (input) => (input.image ? [input.image] : []),
  simpler: simplerAltText,
};
