import { z } from 'zod';

const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * The policy's `diagnosis` section: a narrow class of infrastructure alerts may be sent to a more
 * capable model endpoint (OpenAI-compatible) for a written diagnosis.
 *
 * PRIVACY: that endpoint is EXTERNAL. It is not one of the on-site backends behind Kona's inference
 * dispatcher, so the dispatcher's guard (on-site backends only) does not apply. That is why only
 * infrastructure data goes (the allow-listed alert labels, the summary annotation, recent triage
 * decisions, and metric results or log lines the caller passes; see allow-list.ts), always through
 * the scrubber first (emails, phone numbers, IBANs, cards, addresses, names from the names file,
 * public IPs, tokens and secrets removed), and why each text sent is stored and shown on the page
 * exactly as sent. Off by default; absent means off.
 */
export const diagnosisPolicySchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    endpoint: z
      .strictObject({
        /** Base URL of an OpenAI-compatible API (".../v1" or the server root; /v1/chat/completions is added). */
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
          .refine((u) => new URL(u).username === '' && new URL(u).password === '', 'must not carry credentials; use tokenEnv'),
        model: nonEmpty,
        /** A bearer token in the file itself (prefer tokenEnv: the policy file is reviewed and kept in git). */
        token: nonEmpty.optional(),
        /** The name of the environment variable that holds the bearer token. */
        tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)').optional(),
      })
      .optional(),
    /** The narrow class: only these alertnames are ever sent. */
    alertnames: z.array(nonEmpty).default([]),
    /** The most characters one request carries (the scrubbed text is cut to it). */
    maxChars: z.number().int().min(500, 'must be at least 500').max(100_000, 'must be at most 100000').default(8000),
    timeoutSeconds: z.number().int().min(1).max(600, 'must be at most 600').default(60),
    /** At most this many requests per rolling hour; more are skipped (logged), the alerts still escalate. */
    maxPerHour: z.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(20),
  })
  .superRefine((d, ctx) => {
    if (!d.enabled) return;
    if (d.endpoint === undefined) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 'is required when diagnosis is enabled' });
    if (d.alertnames.length === 0) ctx.addIssue({ code: 'custom', path: ['alertnames'], message: 'must list at least one alertname when diagnosis is enabled' });
  })
  .optional();

/**
 * The local-model advisor's section: a small model behind Kona's inference dispatcher reviews each
 * `act` decision. It can only choose among the catalogue's actions (or none); unless it agrees
 * with the rules' action at `minConfidence` or more, the decision becomes `notify`. It never makes
 * a decision less cautious. Off by default; absent means off.
 */
export const advisorPolicySchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The model name as the dispatcher serves it. */
    model: nonEmpty.optional(),
    minConfidence: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').default(0.8),
    timeoutSeconds: z.number().int().min(1).max(300, 'must be at most 300').default(20),
  })
  .superRefine((a, ctx) => {
    if (a.enabled && a.model === undefined) ctx.addIssue({ code: 'custom', path: ['model'], message: 'is required when the advisor is enabled' });
  })
  .optional();

/** The validated `diagnosis` section. */
export type DiagnosisPolicy = z.output<typeof diagnosisPolicySchema>;
/** The validated `advisor` section. */
export type AdvisorPolicy = z.output<typeof advisorPolicySchema>;

/** True when the policy sends this alertname to the diagnosis tier (enabled and in the class). */
export function diagnosisApplies(policy: DiagnosisPolicy, alertname: string): boolean {
  return policy?.enabled === true && policy.endpoint !== undefined && policy.alertnames.includes(alertname);
}
