/**
 * The diagnosis tier: for a `diagnose` decision about an alertname in the policy's narrow class, it
 * sends scrubbed infrastructure data to an external OpenAI-compatible endpoint and stores what was
 * sent (before sending) and the answer. Off by default: disabled, it stores and sends nothing.
 * Failures are recorded on the row and logged, never thrown at the caller: triage's own routing
 * (the escalation) does not depend on the diagnosis.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../../platform/clock/clock.js';
import type { Decision } from '../types.js';
import { diagnosisText, diagnosisSystemPrompt, type DiagnoseContext } from './context.js';
import { diagnosisApplies, type DiagnosisPolicy } from './diagnosis.schema.js';
import type { DiagnosesTable, DiagnosisSchema, DiagnosisStatus } from './schema.js';
import { Scrubber } from './scrub.js';

/** The most characters of an answer kept. */
export const maxResponseChars = 20_000;

/** A stored diagnosis request, as the page and the JSON API show it. */
export interface DiagnosisRecord {
  id: string;
  decisionId: string;
  fingerprint: string;
  alertname: string;
  endpointHost: string;
  model: string;
  /** Exactly the user message that was sent (after scrubbing); the system prompt is `diagnosisSystemPrompt`. */
  sentText: string;
  removed: Record<string, number>;
  /** Labels and annotations the allow-list kept out ("label customer_email"); never sent, only named here. */
  dropped: string[];
  responseText: string | null;
  status: DiagnosisStatus;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}

/** How a Diagnoser is built. */
export interface DiagnoserOptions {
  policy: DiagnosisPolicy;
  /** The triage database (see asDiagnosisDb). */
  db: Kysely<DiagnosisSchema>;
  /** The triage clock: row times, the hourly cap and the request timeout. */
  clock: Clock;
  logger: Logger;
  /** Names of people and dogs from Kona's data, scrubbed as whole words (read on each request). */
  knownNames?: () => readonly string[] | Promise<readonly string[]>;
  /** The environment, for `endpoint.tokenEnv` (default process.env). */
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

/** Narrows a triage database handle whose schema includes the diagnoses table. */
export function asDiagnosisDb<S extends DiagnosisSchema>(db: Kysely<S>): Kysely<DiagnosisSchema> {
  // Kysely's schema parameter is invariant; the constraint above is what makes this safe.
  return db as unknown as Kysely<DiagnosisSchema>;
}

/** Sends the narrow class of alerts to the diagnosis endpoint and records exactly what was sent. */
export class Diagnoser {
  private readonly inFlight = new Set<AbortController>();
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: DiagnoserOptions) {
    this.fetchFn = opts.fetch ?? fetch;
  }

  /** Whether anything can ever be sent (enabled, with an endpoint). */
  get enabled(): boolean {
    return this.opts.policy?.enabled === true && this.opts.policy.endpoint !== undefined;
  }

  /** True when a decision would be sent: route diagnose, enabled, alertname in the class. */
  accepts(decision: Decision): boolean {
    return decision.route === 'diagnose' && diagnosisApplies(this.opts.policy, decision.alertname);
  }

  /** Nothing to start: requests are made per decision. */
  start(): void {}

  /** Aborts requests in flight (their rows are marked failed). */
  stop(): void {
    for (const c of this.inFlight) c.abort(new Error('triage is stopping'));
  }

  /** Diagnoses one decision when it is accepted; returns the stored record, or undefined when nothing was sent. */
  async handle(decision: Decision, ctx: DiagnoseContext): Promise<DiagnosisRecord | undefined> {
    const policy = this.opts.policy;
    if (!this.accepts(decision) || policy?.endpoint === undefined) return undefined;
    const endpoint = policy.endpoint;
    let id: string | undefined;
    try {
      // At-least-once upstream: a decision handled again is not sent again.
      const earlier = await this.opts.db.selectFrom('diagnoses').select('id').where('decision_id', '=', decision.id).executeTakeFirst();
      if (earlier) return await diagnosisById(this.opts.db, String(earlier.id));
      // A storm of alerts in the class must not become a stream of data leaving the site.
      const since = new Date(this.opts.clock.now() - 3_600_000);
      const recent = await this.opts.db.selectFrom('diagnoses').select((eb) => eb.fn.countAll<string>().as('n')).where('created_at', '>=', since).executeTakeFirstOrThrow();
      if (Number(recent.n) >= policy.maxPerHour) {
        this.opts.logger.warn({ decision: decision.id, maxPerHour: policy.maxPerHour }, 'diagnosis skipped: hourly limit reached');
        return undefined;
      }
      const scrubber = new Scrubber({ knownNames: (await this.opts.knownNames?.()) ?? [] });
      const { text, removed, dropped } = diagnosisText(decision, ctx, scrubber, policy.maxChars);
      const row = await this.opts.db
        .insertInto('diagnoses')
        .values({
          decision_id: decision.id, fingerprint: decision.fingerprint, alertname: decision.alertname,
          endpoint_host: new URL(endpoint.url).host, model: endpoint.model, sent_text: text,
          removed: JSON.stringify(storedRemoved(removed, dropped)), status: 'sending', created_at: new Date(this.opts.clock.now()),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = String(row.id);
      const answer = await this.ask(text, policy.timeoutSeconds * 1000);
      await this.finish(id, 'answered', answer.slice(0, maxResponseChars), null);
    } catch (err) {
      const message = errorText(err);
      this.opts.logger.warn({ decision: decision.id, err: message }, 'diagnosis request failed');
      if (id !== undefined) await this.finish(id, 'failed', null, message).catch((e: unknown) => this.opts.logger.error({ err: errorText(e) }, 'diagnosis row could not be updated'));
    }
    return id === undefined ? undefined : diagnosisById(this.opts.db, id).catch(() => undefined);
  }

  private async ask(text: string, timeoutMs: number): Promise<string> {
    const endpoint = this.opts.policy!.endpoint!;
    const token = endpoint.token ?? (endpoint.tokenEnv ? (this.opts.env ?? process.env)[endpoint.tokenEnv] : undefined);
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = this.opts.clock.setTimer(() => controller.abort(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      const res = await this.fetchFn(chatUrl(endpoint.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({
          model: endpoint.model,
          messages: [{ role: 'system', content: diagnosisSystemPrompt }, { role: 'user', content: text }],
          stream: false,
          temperature: 0.2,
          max_tokens: 1024,
        }),
        signal: controller.signal,
      });
      const body = await res.text();
      if (!res.ok) throw new Error(`the endpoint answered HTTP ${res.status}: ${body.slice(0, 200)}`);
      const content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message?.content;
      if (typeof content !== 'string' || content.trim() === '') throw new Error('the endpoint answered without a message');
      return content;
    } catch (err) {
      if (controller.signal.aborted) throw controller.signal.reason instanceof Error ? controller.signal.reason : new Error('aborted');
      throw err;
    } finally {
      this.opts.clock.clearTimer(timer);
      this.inFlight.delete(controller);
    }
  }

  private async finish(id: string, status: DiagnosisStatus, response: string | null, error: string | null): Promise<void> {
    await this.opts.db
      .updateTable('diagnoses')
      .set({ status, response_text: response, error, finished_at: new Date(this.opts.clock.now()) })
      .where('id', '=', id)
      .execute();
  }
}

/** `<base>/v1/chat/completions` whether the base ends in /v1 or is the server root. */
export function chatUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? `${trimmed}/chat/completions` : `${trimmed}/v1/chat/completions`;
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } };
  return (e.cause?.code ? `${e.message} (${e.cause.code})` : (e?.message ?? String(err))).slice(0, 500);
}

// The dropped names share the `removed` column (no migration): each as a "dropped:<name>" key.
const droppedPrefix = 'dropped:';

function storedRemoved(removed: Record<string, number>, dropped: readonly string[]): Record<string, number> {
  return { ...removed, ...Object.fromEntries(dropped.map((d) => [`${droppedPrefix}${d}`, 1])) };
}

function fromRow(r: Selectable<DiagnosesTable>): DiagnosisRecord {
  const entries = Object.entries(r.removed);
  const removed = Object.fromEntries(entries.filter(([k]) => !k.startsWith(droppedPrefix)));
  const dropped = entries.filter(([k]) => k.startsWith(droppedPrefix)).map(([k]) => k.slice(droppedPrefix.length));
  return {
    id: String(r.id), decisionId: r.decision_id, fingerprint: r.fingerprint, alertname: r.alertname, endpointHost: r.endpoint_host,
    model: r.model, sentText: r.sent_text, removed, dropped, responseText: r.response_text, status: r.status, error: r.error,
    createdAt: r.created_at.getTime(), finishedAt: r.finished_at?.getTime() ?? null,
  };
}

/** One stored diagnosis by id. */
export async function diagnosisById(db: Kysely<DiagnosisSchema>, id: string): Promise<DiagnosisRecord | undefined> {
  const row = await db.selectFrom('diagnoses').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** What was sent about one decision (oldest first), for the page's "what was sent". */
export async function diagnosesForDecision(db: Kysely<DiagnosisSchema>, decisionId: string): Promise<DiagnosisRecord[]> {
  const rows = await db.selectFrom('diagnoses').selectAll().where('decision_id', '=', decisionId).orderBy('id', 'asc').execute();
  return rows.map(fromRow);
}

/** The newest diagnoses (at most 500), for the page's list and the JSON API. */
export async function listDiagnoses(db: Kysely<DiagnosisSchema>, opts: { limit?: number; fingerprint?: string } = {}): Promise<DiagnosisRecord[]> {
  const limit = Math.min(500, Math.max(1, Math.floor(opts.limit ?? 50)));
  let q = db.selectFrom('diagnoses').selectAll();
  if (opts.fingerprint !== undefined) q = q.where('fingerprint', '=', opts.fingerprint);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map(fromRow);
}
