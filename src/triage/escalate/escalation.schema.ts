import { z } from 'zod';

/**
 * The policy's `escalation` section: where a human is told (channels), how urgently and how often
 * (tiers), and where ack links point. Absent: decisions that notify are recorded and shown, nobody
 * is messaged. Every key is documented in deploy/triage-policy.example.yaml.
 */

/** The channels triage can message through. */
export const channelNames = ['webhook', 'email', 'ntfy'] as const;

/** One channel's name. */
export type ChannelName = (typeof channelNames)[number];

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const minutes = z.number().int('must be a whole number of minutes').positive('must be at least 1').max(7 * 24 * 60, 'must be at most a week');
const tierName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes');
const headerName = z.string().regex(/^[A-Za-z0-9-]+$/, 'is not an HTTP header name');
// A header value with a line break would smuggle a second header into the request.
const headerValue = z.string().regex(/^[^\r\n]*$/, 'must be one line');
const severities = ['none', 'info', 'warning', 'critical', 'page'] as const;

/**
 * A value that may instead name an environment variable, written whole as `${NAME}`: secrets (a
 * webhook's shared secret, an ntfy token, a Slack-style URL that is itself a credential) then stay
 * out of the reviewed policy file. A named variable that is not set is a policy error.
 */
const fromEnv = z.string().transform((value, ctx) => {
  const named = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value);
  if (!named) return value;
  const resolved = process.env[named[1]!];
  if (resolved === undefined || resolved === '') {
    ctx.addIssue({ code: 'custom', message: `names the environment variable ${named[1]}, which is not set` });
    return z.NEVER;
  }
  return resolved;
});
const secretUrl = fromEnv.pipe(httpUrl);

const channelsSchema = z
  .strictObject({
    webhook: z.strictObject({ url: secretUrl, headers: z.record(headerName, fromEnv.pipe(headerValue)).optional() }).optional(),
    email: z
      .strictObject({
        to: z.array(z.email({ error: 'must be an email address' })).min(1, 'must list at least one address'),
        from: z.string().min(3, 'must be an address').regex(/^[^\r\n]*$/, 'must be one line').optional(),
      })
      .optional(),
    ntfy: z.strictObject({ url: secretUrl, token: fromEnv.pipe(headerValue.min(1, 'must not be empty')).optional() }).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'configure at least one channel (webhook, email or ntfy)');

const tierSchema = z.strictObject({
  name: tierName,
  /** Severity labels this tier takes (the first tier listing a severity wins). */
  severities: z.array(z.enum(severities)).default([]),
  channels: z.array(z.enum(channelNames)).min(1, 'must name at least one channel'),
  repeatMinutes: minutes,
});

/**
 * Alertmanager-style grouping of messages (group_by, group_wait, group_interval): alerts of one tier
 * whose `by` labels agree form a group, and a group gets one message per window instead of one per
 * alert. Absent: every escalation is messaged at once, on its own.
 */
const groupingSchema = z.strictObject({
  /** Labels (of those the allow-list lets into messages) whose values split groups; [] (default): one group per tier. */
  by: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a label name')).default([]),
  /** How long a new group waits for more alerts before its first message (Alertmanager's group_wait). */
  waitSeconds: z.number().int('must be whole seconds').min(0).max(3600, 'must be at most an hour').default(30),
  /** Least time between two messages of a group (Alertmanager's group_interval). */
  intervalMinutes: minutes.default(5),
});

/** The `escalation` section's schema (optional). */
export const escalationPolicySchema = z
  .strictObject({
    ackBaseUrl: httpUrl,
    channels: channelsSchema,
    tiers: z.array(tierSchema).min(1, 'must list at least one tier'),
    /** Tier of alerts whose class is unknown (no rule matched); default: the first tier. */
    unknownTier: tierName.optional(),
    /** Tier of alerts whose severity no tier lists (missing label, synthetic decisions); default: the first tier. */
    defaultTier: tierName.optional(),
    /** How many earlier decisions about the same fingerprint a message carries. */
    historyLimit: z.number().int().min(0).max(50).default(10),
    grouping: groupingSchema.optional(),
  })
  .superRefine((p, ctx) => {
    const names = new Set<string>();
    p.tiers.forEach((tier, i) => {
      if (names.has(tier.name)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'name'], message: `"${tier.name}" is already the name of an earlier tier` });
      names.add(tier.name);
      tier.channels.forEach((channel, j) => {
        if (p.channels[channel] === undefined) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'channels', j], message: `channel "${channel}" is not configured under escalation.channels` });
      });
    });
    for (const key of ['unknownTier', 'defaultTier'] as const) {
      const value = p[key];
      if (value !== undefined && !names.has(value)) ctx.addIssue({ code: 'custom', path: [key], message: `names no tier (tiers: ${[...names].join(', ')})` });
    }
  })
  .optional();

/** The validated `escalation` section (undefined when the policy has none). */
export type EscalationPolicy = z.output<typeof escalationPolicySchema>;

/** A validated escalation section that is present. */
export type EscalationSettings = NonNullable<EscalationPolicy>;

/** One validated tier. */
export type EscalationTier = EscalationSettings['tiers'][number];

/**
 * The tier for a decision: unknown class → `unknownTier`; else the first tier listing the severity;
 * else `defaultTier`. Both defaults are the first tier (list the most urgent first), so an alert
 * nobody foresaw reaches the widest audience rather than the narrowest.
 */
export function tierFor(policy: EscalationSettings, decision: { class: string; severity: string }): EscalationTier {
  const byName = (name: string | undefined) => (name === undefined ? undefined : policy.tiers.find((t) => t.name === name));
  const first = policy.tiers[0]!;
  if (decision.class === 'unknown') return byName(policy.unknownTier) ?? first;
  return policy.tiers.find((t) => (t.severities as string[]).includes(decision.severity)) ?? byName(policy.defaultTier) ?? first;
}

/** The validated grouping settings. */
export type GroupingSettings = z.output<typeof groupingSchema>;
