import { z } from 'zod';
import { isCurrency, isLocale, isTimeZone } from '../../platform/locale/index.js';
import { parseMoney } from '../dogs/dogs.public.js';

const text = (max: number) => z.string().trim().max(max, `must be at most ${max.toLocaleString('en')} characters`).default('');

const email = text(254).refine((v) => v === '' || z.email().safeParse(v).success, 'must be an email address like hello@rescue.org');

/** http or https only: a javascript: or data: link must never reach a public page. */
export function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.includes('.');
  } catch {
    return false;
  }
}

const webAddress = text(500).refine((v) => v === '' || isWebAddress(v), 'must be a web address starting with https://');

const fee = z.string().trim().default('').superRefine((v, ctx) => {
  if (v !== '' && parseMoney(v) === undefined) ctx.addIssue({ code: 'custom', message: 'must be an amount like 150 or 150.00' });
}).transform((v) => (v === '' ? null : parseMoney(v)!));

/** The size bands a default adoption fee is kept for (the dog sizes). */
export const feeBands = ['small', 'medium', 'large', 'xl'] as const;

/** A size band. */
export type FeeBand = (typeof feeBands)[number];

/** The rescue settings form: who the rescue is, how to reach it, how it reads dates and money, default fees. */
export const settingsSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  tagline: text(300),
  contact_email: email,
  phone: text(40).refine((v) => v === '' || /^\+?[\d ()./-]{4,39}$/.test(v), 'must be a phone number: digits, spaces and + ( ) - only'),
  area: text(200),
  website: webAddress,
  facebook: webAddress,
  instagram: webAddress,
  other_social: webAddress,
  about: text(5000),
  accent_colour: z.string().trim().toLowerCase().regex(/^#[0-9a-f]{6}$/, 'must be a colour written #rrggbb, like #2f6f4f'),
  time_zone: z.string().trim().refine(isTimeZone, 'must be a time zone like Europe/London or Pacific/Auckland'),
  currency: z.string().trim().toUpperCase().refine(isCurrency, 'must be a currency code like EUR, GBP or NZD'),
  locale: z.string().trim().max(35, 'must be at most 35 characters').refine(isLocale, 'must be a language and region like en-GB or de-DE'),
  fee_small: fee,
  fee_medium: fee,
  fee_large: fee,
  fee_xl: fee,
});

/** The settings as saved (fees in cents, null for none). */
export type RescueSettings = z.infer<typeof settingsSchema>;
