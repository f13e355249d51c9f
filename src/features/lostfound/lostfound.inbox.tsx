/**
 * The hub's page of messages sent from the lost-and-found pages: who wrote, about which dog, how
 * to reach them, and what they said, newest first. The details are personal data of the public,
 * so the page needs `people.view`, and they are decrypted only to be shown here. Messages go after
 * KONA_LOSTFOUND_MESSAGE_KEEP_DAYS (the daily sweep).
 */
import { inTenantScope } from '../../platform/http/scopes.js';
import { Layout, renderPage, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { selectContacts } from './lostfound.queries.js';

/** Messages the page lists at most. */
export const inboxLimit = 200;

interface InboxMessage { id: string; dogId: string; dogName: string; name: string; email: string; phone: string; message: string; at: Date }

function InboxPage(props: { ctx: PageContext; messages: InboxMessage[]; keepDays: number }) {
  const base = props.ctx.basePath ?? '';
  return (
    <Layout ctx={props.ctx} title="Lost and found messages">
      <h1>Lost and found messages</h1>
      <p>{`People who found or lost a dog write here about a dog of yours the photo search showed them. The search only saw a resemblance: check before telling anyone it is the same dog. Messages are deleted after ${props.keepDays} days.`}</p>
      {props.messages.length === 0 ? <p>No messages yet.</p> : (
        <ol class="messages">
          {props.messages.map((m) => (
            <li key={m.id} id={`message-${m.id}`}>
              <h2>{'About '}<a href={`${base}/hub/dogs/${m.dogId}`}>{m.dogName}</a></h2>
              <p class="hint"><When at={m.at} /></p>
              <dl>
                <dt>From</dt><dd>{m.name}</dd>
                <dt>Email</dt><dd><a href={`mailto:${m.email}`}>{m.email}</a></dd>
                <dt>Phone</dt><dd>{m.phone || 'Not given'}</dd>
              </dl>
              <p class="answer">{m.message}</p>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

/** `GET /hub/lost-and-found`: the rescue's lost-and-found messages. */
export const lostFoundInboxRoutes = inTenantScope((app) => {
  const { ctx, page } = app.kona;
  app.get('/hub/lost-and-found', { config: { permission: 'people.view' } }, async (request, reply) => {
    const ring = ctx.secrets.keyRing;
    const rows = await selectContacts(request.tenant.db.kysely, inboxLimit);
    const messages = rows.map((r) => ({ id: r.id, dogId: r.dog_id, dogName: r.dog_name, name: ring.decrypt(r.name_enc), email: ring.decrypt(r.email_enc), phone: ring.decrypt(r.phone_enc), message: ring.decrypt(r.message_enc), at: r.created_at }));
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8')
      .send(renderPage(<InboxPage ctx={page(request, 'hub')} messages={messages} keepDays={ctx.config.settings.KONA_LOSTFOUND_MESSAGE_KEEP_DAYS} />));
  });
});
