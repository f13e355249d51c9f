import { z } from 'zod';

/**
 * The policy's `actions` section: executor, limits, budget, verification source (owned by the
 * actions module; stub until it is filled in). Absent: nothing can be executed.
 */
export const actionsPolicySchema = z.strictObject({}).optional();

/** The validated `actions` section. */
export type ActionsPolicy = z.output<typeof actionsPolicySchema>;
