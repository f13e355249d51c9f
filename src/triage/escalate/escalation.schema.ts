import { z } from 'zod';

/**
 * The policy's `escalation` section: channels and tiers (owned by the escalation module; stub until
 * it is filled in). Absent: decisions that notify are recorded and shown, nobody is messaged.
 */
export const escalationPolicySchema = z.strictObject({}).optional();

/** The validated `escalation` section. */
export type EscalationPolicy = z.output<typeof escalationPolicySchema>;
