import { z } from 'zod';

// datetime-local inputs send "2026-11-25T14:00" without a zone; Kona treats it as UTC and says so.
const utcLocal = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a date and time like 2026-12-01T22:00 (UTC)')
  .transform((v) => new Date(`${v}:00Z`));

/** The operator's form for announcing a maintenance window. */
export const scheduleSchema = z
  .object({
    startsAt: utcLocal,
    endsAt: utcLocal,
    message: z.string().trim().min(1, 'is required: say what will happen').max(500, 'must be at most 500 characters'),
  })
  .refine((v) => v.endsAt > v.startsAt, { path: ['endsAt'], message: 'must be after the start' })
  .refine((v) => v.endsAt.getTime() > Date.now(), { path: ['endsAt'], message: 'is already in the past' });

/** A window id in the URL. */
export const windowIdSchema = z.object({ id: z.uuid() });
