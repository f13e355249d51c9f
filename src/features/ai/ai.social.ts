/**
 * Feature 5, social post copy for an adoptable dog: a short and a long post per platform, each within
 * the platform's character limit (the schema's maxLength, so a grammar-constrained model cannot
 * overrun it). The input holds only the dog's public facts, and a post-check refuses any post with an
 * email address, phone number or link, so no person's data can be in one. Simpler path: templates.
 */
import { z } from 'zod';
import type { AiFeature } from './ai.feature.js';
import { dogPhrase, homeSentence, pronounOf, type DogFacts } from './ai.facts.js';

/** Each platform's character limit (Facebook's is far higher; 2,000 keeps a post readable). */
export const platformLimits = { x: 280, bluesky: 300, mastodon: 500, instagram: 2200, facebook: 2000 } as const;
/** One platform. */
export type Platform = keyof typeof platformLimits;
const shortMax = 200;

/** What social posts are drafted from: public facts only. */
export interface SocialInput {
  dog: DogFacts;
  /** The dog's public description (already approved by a person), trimmed. */
  description: string;
}

const contact = /[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{7,}\d|https?:\/\/|www\./i;
const post = (max: number) => z.string().trim().min(10).max(max).refine((t) => !contact.test(t), 'must not contain contact details or links');
const platformPosts = (limit: number) => z.strictObject({ short: post(Math.min(shortMax, limit)), long: post(limit) });

/** Drafted posts, by platform. */
export const socialOutput = z.strictObject(Object.fromEntries(Object.entries(platformLimits).map(([p, limit]) => [p, platformPosts(limit)])) as Record<Platform, ReturnType<typeof platformPosts>>);
/** Drafted posts' value. */
export type SocialOutput = Record<Platform, { short: string; long: string }>;

const tags = (f: DogFacts) => ['#AdoptDontShop', `#Adopt${f.name.replace(/[^A-Za-z0-9]/g, '')}`, '#RescueDog'];

/** The template posts. */
export function simplerSocial(input: SocialInput): SocialOutput {
  const f = input.dog;
  const p = pronounOf(f);
  const short = `Meet ${f.name}, a ${dogPhrase(f)} looking for a home! ${tags(f).slice(0, 2).join(' ')}`;
  const facts = [f.age ? `${f.name} is ${f.age} old.` : '', f.energy ? `${p} has ${f.energy} energy.` : '', homeSentence(f, p)].filter(Boolean).join(' ');
  const description = input.description.replace(new RegExp(contact.source, 'gi'), '');
  const longBase = `${f.name} is a ${dogPhrase(f)} waiting for a home. ${facts} ${description}`.replace(/\s+/g, ' ').trim();
  const ending = ` Apply to adopt ${f.name} on our website. ${tags(f).join(' ')}`;
  const fit = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`);
  const out = {} as SocialOutput;
  for (const [platform, limit] of Object.entries(platformLimits) as [Platform, number][]) {
    out[platform] = { short: fit(short, Math.min(shortMax, limit)), long: `${fit(longBase, limit - ending.length)}${ending}` };
  }
  return out;
}

/** The social posts feature's definition. */
export const socialFeature: AiFeature<SocialInput, SocialOutput> = {
  name: 'social',
  subjectKind: 'dog',
  priority: 'drafting',
  prompt: 'social',
  deadline: 'drafting',
  output: socialOutput,
  maxTokens: 1500,
  data: (input) => ({ dog: input.dog, publicDescription: input.description }),
  simpler: simplerSocial,
};
