import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { altTextOutput, simplerAltText } from './ai.alt-text.js';
import { bioOutput, quotableSentence, simplerBio } from './ai.bio.js';
import { dominantColours } from './ai.colours.js';
import type { DogFacts } from './ai.facts.js';
import { platformLimits, simplerSocial, socialOutput } from './ai.social.js';

const dog: DogFacts = {
  name: 'Pepper', sex: 'male', size: 'small', breeds: ['Beagle', 'Terrier'], colour: 'Tricolour', age: '3 years',
  energy: 'medium', goodWithDogs: 'yes', goodWithCats: 'no', goodWithChildren: 'unknown', specialNeeds: '',
};

describe('the simpler paths', () => {
  it('bio: a template per tone, valid for the output schema, deterministic', () => {
    for (const tone of ['warm', 'short', 'funny'] as const) {
      const out = simplerBio({ dog, tone, notes: ['He sleeps all afternoon.'], photos: [] });
      expect(bioOutput.safeParse(out).success).toBe(true);
      expect(out).toEqual(simplerBio({ dog, tone, notes: ['He sleeps all afternoon.'], photos: [] }));
    }
    expect(simplerBio({ dog, tone: 'short', notes: [], photos: [] }).bio).toBe(
      'Pepper is a small tricolour Beagle and Terrier mix, 3 years old. He gets on well with other dogs, and he would do best in a home without cats. Could Pepper be the one for you? Apply to meet him.',
    );
  });

  it('bio: never quotes a note sentence with contact details or a person\'s name', () => {
    expect(quotableSentence(['Met Sam at the vet today. Call 555 123 4567 for more. Pepper loves squeaky toys.'], 'Pepper')).toBe('Pepper loves squeaky toys.');
    expect(quotableSentence(['Email me at a@b.org about him.', 'Walked with Jane.'], 'Pepper')).toBeUndefined();
    expect(simplerBio({ dog, tone: 'warm', notes: ['Walked with Jane Roe.'], photos: [] }).bio).not.toContain('Jane');
  });

  it('alt text: breed, colour and size plus the dominant colours, within 300 characters', () => {
    const out = simplerAltText({ dog, colours: ['white', 'brown'] });
    expect(out.altText).toBe('Pepper, a small tricolour Beagle and Terrier mix, in a picture with mostly white and brown tones.');
    expect(altTextOutput.safeParse(simplerAltText({ dog: { ...dog, name: 'P'.repeat(400) }, colours: [] })).success).toBe(true);
  });

  it('dominant colours: the commonest palette names of the picture', async () => {
    const green = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 70, g: 140, b: 60 } } }).jpeg().toBuffer();
    expect(await dominantColours(green)).toEqual(['green']);
  });

  it('social posts: every platform\'s short and long post within its limit even for a long description, and contact details dropped', () => {
    const description = `${'A very good dog who loves everyone. '.repeat(80)} Call 555-010-7788 or mail adopt@rescue.example.`;
    const out = simplerSocial({ dog, description });
    expect(socialOutput.safeParse(out).success).toBe(true);
    for (const [platform, limit] of Object.entries(platformLimits)) {
      const posts = out[platform as keyof typeof platformLimits];
      expect(posts.long.length).toBeLessThanOrEqual(limit);
      expect(posts.short.length).toBeLessThanOrEqual(Math.min(200, limit));
    }
    expect(JSON.stringify(out)).not.toMatch(/555|adopt@/);
  });
});
