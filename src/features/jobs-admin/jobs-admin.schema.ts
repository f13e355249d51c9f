import { z } from 'zod';

/** A job's id in a URL: a bigint as decimal digits; anything else is a 404, not a database error. */
export const jobIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,19}$/) });
