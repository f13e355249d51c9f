/**
 * Ack links: `GET /ack/:token` shows what would be acknowledged and a button; only `POST /ack/:token`
 * acknowledges, because mail clients' link scanners follow GETs. The token is the credential (these
 * routes need no login: the lead leaves `/ack/` open). Pages are rendered by Preact, which escapes
 * every text; nothing from an alert becomes a link, and the page sends no Referer anywhere.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { z } from 'zod';
import type { Escalator } from './escalator.js';
import { plainText } from './message.js';
import type { EscalationSummary } from './repo.js';

/** Options of the ack routes plugin. */
export interface EscalationRoutesOptions {
  escalator: Pick<Escalator, 'lookup' | 'acknowledge' | 'list'>;
}

const listQuery = z.strictObject({
  status: z.enum(['live', 'open', 'acknowledged', 'resolved']).default('live'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));

function Page(props: { title: string; children: preact.ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style>{'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}dt{font-weight:600}button{font-size:1.1rem;padding:.4rem 1rem}'}</style>
      </head>
      <body>
        <h1>{props.title}</h1>
        {props.children}
      </body>
    </html>
  );
}

function Details({ e }: { e: EscalationSummary }) {
  return (
    <dl>
      <dt>Alert</dt>
      <dd>{e.alertname}{e.severity ? ` (${e.severity})` : ''}, class {e.class}</dd>
      {e.summary !== null && (<><dt>Summary</dt><dd>{e.summary}</dd></>)}
      <dt>Escalation</dt>
      <dd>#{e.id}, tier {e.tier}, {e.sends} message(s), opened {iso(e.createdAt)}</dd>
    </dl>
  );
}

/** The page for a token that is no longer usable (acknowledged or resolved). */
function closedPage(e: EscalationSummary) {
  if (e.status === 'acknowledged') {
    return (
      <Page title="Already acknowledged">
        <p>Acknowledged by {e.acknowledgedBy ?? 'someone'} at {iso(e.acknowledgedAt)}. No more reminders are sent.</p>
        <Details e={e} />
      </Page>
    );
  }
  return (
    <Page title="Nothing to acknowledge">
      <p>The alert resolved at {iso(e.resolvedAt)}; its escalation is closed.</p>
      <Details e={e} />
    </Page>
  );
}

const unknownPage = (
  <Page title="Unknown acknowledgement link">
    <p>This link does not belong to any escalation. Check that it was copied whole, or open the triage page.</p>
  </Page>
);

function send(reply: FastifyReply, status: number, page: preact.VNode): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(`<!doctype html>${renderToString(page)}`);
}

/** The optional "by" field of the form, whatever parser gave the body (buffer, string or object). */
function acknowledgedBy(body: unknown): string {
  let by: unknown;
  if (Buffer.isBuffer(body) || typeof body === 'string') by = new URLSearchParams(body.toString()).get('by');
  else if (body !== null && typeof body === 'object') by = (body as Record<string, unknown>).by;
  const text = typeof by === 'string' ? plainText(by.replace(/\s+/g, ' ').trim(), 100) : '';
  return text === '' ? 'ack link' : text;
}

/**
 * Fastify plugin: `GET /ack/:token` (confirmation page) and `POST /ack/:token` (acknowledges), both
 * open to anyone holding the link; and `GET /api/escalations?status=live|open|acknowledged|resolved&limit=`
 * (JSON, `{ escalations }`), which the server's credentials must protect like the rest of /api.
 */
export const escalationRoutes: FastifyPluginAsync<EscalationRoutesOptions> = async (app: FastifyInstance, opts) => {
  const { escalator } = opts;
  // A form posts urlencoded; the triage server parses every body as bytes, a bare Fastify not at all.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));
  }

  app.get('/api/escalations', async (req, reply) => {
    const q = listQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'invalid query', problems: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return { escalations: await escalator.list(q.data) };
  });

  app.get<{ Params: { token: string } }>('/ack/:token', async (req, reply) => {
    const e = await escalator.lookup(req.params.token);
    if (e === undefined) return send(reply, 404, unknownPage);
    if (e.status !== 'open') return send(reply, 410, closedPage(e));
    return send(
      reply,
      200,
      <Page title={`Acknowledge ${e.alertname}?`}>
        <Details e={e} />
        <p>Acknowledging stops the reminders for this alert. You will still be told when it resolves.</p>
        <form method="post">
          <p><label>Your name (optional) <input name="by" maxLength={100} autocomplete="name" /></label></p>
          <button type="submit">Acknowledge</button>
        </form>
      </Page>,
    );
  });

  app.post<{ Params: { token: string } }>('/ack/:token', async (req, reply) => {
    const result = await escalator.acknowledge(req.params.token, acknowledgedBy(req.body));
    if (result.kind === 'unknown') return send(reply, 404, unknownPage);
    if (result.kind === 'already') return send(reply, 410, closedPage(result.escalation));
    return send(
      reply,
      200,
      <Page title="Acknowledged">
        <p>Thank you{result.escalation.acknowledgedBy !== 'ack link' ? `, ${result.escalation.acknowledgedBy}` : ''}: no more reminders are sent for this alert.</p>
        <Details e={result.escalation} />
      </Page>,
    );
  });
};
