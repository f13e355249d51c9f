import { z } from 'zod';

/** The dog and photo ids in a photo action's URL. */
export const photoParamsSchema = z.object({ id: z.uuid(), photoId: z.uuid() });

/** The alt text form. */
export const altTextSchema = z.object({
  alt_text: z.string().trim().max(300, 'must be at most 300 characters'),
});

/** The move form. */
export const moveSchema = z.object({ direction: z.enum(['up', 'down'], { message: 'must be up or down' }) });

/** The sha and variant of a served photo (anything else is simply not found). */
export const servedPhotoParamsSchema = z.object({ sha: z.string().regex(/^[0-9a-f]{64}$/), variant: z.string() });

/** The delete form: the box saying "yes, delete it" must be ticked. */
export const confirmDeleteSchema = z.object({ confirm: z.literal('yes', { message: 'tick the box to confirm' }) });
