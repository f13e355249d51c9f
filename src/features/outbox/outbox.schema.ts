import { z } from 'zod';
import { outboxFilePattern } from '../../platform/mail/index.js';

/** A message's file name in a URL: exactly the names the outbox writes, so no path can be smuggled in. */
export const outboxFileParamsSchema = z.object({ file: z.string().regex(outboxFilePattern) });
