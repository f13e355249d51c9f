/**
 * Alertmanager's webhook body (version "4"), validated with zod. Field names follow Alertmanager's
 * `notify/webhook` Message (`version`, `groupKey`, `truncatedAlerts`) embedding `template.Data`
 * (`receiver`, `status`, `alerts`, `groupLabels`, `commonLabels`, `commonAnnotations`,
 * `externalURL`). Newer releases add `notification_reason` (snake case, unlike the rest) and
 * `routeLabels`; Debian's 0.25 sends neither, so both are optional. Unknown extra fields are
 * accepted and ignored so a newer sender still gets through; every problem names its field.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Delivery, IncomingAlert } from '../types.js';
import { alertFingerprint, withOwnFingerprint } from './fingerprint.js';

const kv = z.record(z.string(), z.string());
const status = z.enum(['firing', 'resolved']);
// Go marshals time.Time as RFC 3339 with up to nine fractional digits and an offset or Z.
const rfc3339 = z.iso.datetime({ offset: true });

const alertSchema = z.object({
  status,
  labels: kv,
  annotations: kv,
  startsAt: rfc3339,
  endsAt: rfc3339,
  generatorURL: z.string(),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 lowercase hex digits'),
});

/** The webhook body Alertmanager posts (version "4"). */
export const webhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  // Absent before Alertmanager 0.22 (which had no max_alerts, so nothing was ever left out).
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status,
  receiver: z.string(),
  groupLabels: kv,
  commonLabels: kv,
  commonAnnotations: kv,
  externalURL: z.string(),
  alerts: z.array(alertSchema).min(1, 'expected at least one alert'),
  notification_reason: z.string().optional(),
  routeLabels: kv.optional(),
});

/** A validated webhook body. */
export type WebhookPayload = z.infer<typeof webhookSchema>;

/** An alert whose sent fingerprint differs from the one recomputed from its labels. */
export interface FingerprintMismatch {
  alertname: string;
  sent: string;
  computed: string;
}

/** What parsing a body gives: the payload, or the problems that make it invalid. */
export type ParseResult =
  | { ok: true; payload: WebhookPayload; mismatches: FingerprintMismatch[] }
  | { ok: false; problems: string[] };

/** sha256 (hex) of a body's bytes. */
export function bodySha256(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Renders a zod path the way a person reads it: `alerts[2].labels.alertname`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || 'body';
}

const maxProblems = 20;

/** One line per zod issue (at most 20), each naming the field. */
export function describeProblems(err: z.ZodError): string[] {
  const lines = err.issues.slice(0, maxProblems).map((issue) => {
    const message = issue.message.includes('received undefined') ? 'required field is missing' : issue.message.replace(/^Invalid input: /, '');
    return `${formatPath(issue.path)}: ${message}`;
  });
  if (err.issues.length > maxProblems) lines.push(`… and ${err.issues.length - maxProblems} more problems`);
  return lines;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes and parses a body as JSON; problems rather than exceptions (never echoes the body). */
function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return { ok: false, problems: ['body: not valid UTF-8'] };
  }
  if (text.trim() === '') return { ok: false, problems: ['body: empty; expected a JSON object'] };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    // V8's message quotes part of the body, which may hold secrets: keep only the position.
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    return { ok: false, problems: [`body: not valid JSON${position ? ` (at character ${position})` : ''}`] };
  }
}

/** Validates a raw webhook body; recomputes each alert's fingerprint and lists the mismatches. */
export function parseWebhook(body: Uint8Array): ParseResult {
  const json = parseJson(body);
  if (!json.ok) return json;
  const parsed = webhookSchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, problems: describeProblems(parsed.error) };
  const mismatches: FingerprintMismatch[] = [];
  for (const alert of parsed.data.alerts) {
    const computed = alertFingerprint(alert.labels);
    if (computed !== alert.fingerprint) mismatches.push({ alertname: alert.labels.alertname ?? '', sent: alert.fingerprint, computed });
  }
  return { ok: true, payload: parsed.data, mismatches };
}

/** The Delivery (types.ts) a validated payload becomes once stored under `id`; its alerts carry triage's own fingerprints. */
export function toDelivery(payload: WebhookPayload, meta: { id: string; receivedAt: number; bodySha256: string }): Delivery {
  const alerts: IncomingAlert[] = payload.alerts.map((a) => withOwnFingerprint({ ...a }));
  return {
    id: meta.id,
    receivedAt: meta.receivedAt,
    bodySha256: meta.bodySha256,
    receiver: payload.receiver,
    groupKey: payload.groupKey,
    status: payload.status,
    truncatedAlerts: payload.truncatedAlerts,
    groupLabels: payload.groupLabels,
    commonLabels: payload.commonLabels,
    externalURL: payload.externalURL,
    alerts,
    ...(payload.notification_reason !== undefined ? { notificationReason: payload.notification_reason } : {}),
  };
}
