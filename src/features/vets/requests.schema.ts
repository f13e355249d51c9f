/** The consent forms: a vet's request, and a rescue's approval, denial or revocation. */
import { z } from 'zod';

/** The longest reason a request or a decision may give. */
export const maxReasonChars = 2000;

/** A vet's request for one dog: the signed reference from the search and why they ask. */
export const requestSchema = z.object({
  ref: z.string().min(1, 'is missing: search for the dog again').max(400, 'is not a search result'),
  reason: z.string().trim().min(1, 'is required: say why you need the dog\u2019s record').max(maxReasonChars, `must be at most ${maxReasonChars.toLocaleString('en')} characters`),
});

/** Approving: for how many days the grant lasts. */
export const approveSchema = z.object({
  days: z.string().trim().default('30').refine((v) => /^\d{1,3}$/.test(v) && Number(v) >= 1 && Number(v) <= 365, 'must be a whole number of days from 1 to 365').transform(Number),
});

/** Denying: the reason the vet is told (required). */
export const denySchema = z.object({
  reason: z.string().trim().min(1, 'is required: the vet is told why').max(maxReasonChars, `must be at most ${maxReasonChars.toLocaleString('en')} characters`),
});

/** Revoking: a reason is optional. */
export const revokeSchema = z.object({
  reason: z.string().trim().max(maxReasonChars, `must be at most ${maxReasonChars.toLocaleString('en')} characters`).default(''),
});
