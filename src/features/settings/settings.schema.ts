import { z } from 'zod';

/** The rescue settings form: what the public site shows about the rescue. */
export const settingsSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  tagline: z.string().trim().max(300, 'must be at most 300 characters').default(''),
});

/** Input of {@link settingsSchema}. */
export type RescueSettings = z.infer<typeof settingsSchema>;
