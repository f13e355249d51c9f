import { z } from 'zod';

/**
 * The policy's `diagnosis` and `advisor` sections (owned by the diagnosis module; stubs until filled
 * in). Both are off unless configured.
 */
export const diagnosisPolicySchema = z.strictObject({}).optional();
/** The local-model advisor's section. */
export const advisorPolicySchema = z.strictObject({}).optional();

/** The validated `diagnosis` section. */
export type DiagnosisPolicy = z.output<typeof diagnosisPolicySchema>;
/** The validated `advisor` section. */
export type AdvisorPolicy = z.output<typeof advisorPolicySchema>;
