import { Notice } from '../../platform/http/views/forms.js';
import { When } from '../../platform/http/views/time.js';
import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { OutboxEntry, OutboxMessage } from '../../platform/mail/index.js';
import type { OutboxOverview } from './outbox.service.js';

function when(date: Date) {
  return <When at={date} />;
}

function Transport({ overview }: { overview: OutboxOverview }) {
  const { health } = overview;
  if (overview.transport === 'smtp') {
    return (
      <>
        <p>Mail goes out through the SMTP server set in <code>KONA_SMTP_URL</code>; the outbox is not used.</p>
        <Notice kind={health.ok ? 'ok' : 'error'}>{health.ok ? health.detail : `${health.detail} Mail waits in the job queue and is retried until it goes out.`}</Notice>
      </>
    );
  }
  return (
    <>
      <p>
        No SMTP server is configured (<code>KONA_SMTP_URL</code>), so Kona writes each message to the outbox in its data
        directory instead of sending it. Nothing here has reached its recipient; pass on what matters yourself, or ask
        whoever runs this Kona to set up an SMTP server.
      </p>
      {!health.ok && <Notice kind="error">{health.detail}</Notice>}
    </>
  );
}

function OutboxTable({ ctx, entries, total }: { ctx: PageContext; entries: OutboxEntry[]; total: number }) {
  if (entries.length === 0) return <p>The outbox is empty.</p>;
  return (
    <>
      {total > entries.length && <p class="hint">Showing the newest {entries.length} of {total} messages.</p>}
      <TableWrap labelledBy="outbox-caption">
        <table>
          <caption id="outbox-caption">Messages in the outbox, newest first</caption>
          <thead>
            <tr><th scope="col">Queued at</th><th scope="col">To</th><th scope="col">Subject</th></tr>
          </thead>
          <tbody>
            {entries.map((m) => (
              <tr key={m.file}>
                <td>{when(m.time)}</td>
                <td>{m.to}</td>
                <th scope="row"><a href={`${ctx.basePath}/hub/outbox/${m.file}`}>{m.subject || '(no subject)'}</a></th>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

/** The admin's outbox page: where mail goes and, on the embedded default, the messages written instead. */
export function OutboxPage({ ctx, overview }: { ctx: PageContext; overview: OutboxOverview }) {
  return (
    <Layout ctx={ctx} title="Outbox">
      <h1>Outbox</h1>
      <Transport overview={overview} />
      <h2>Messages</h2>
      <OutboxTable ctx={ctx} entries={overview.entries} total={overview.total} />
    </Layout>
  );
}

/** One outbox message: its headers and plain-text body (the HTML version is never rendered). */
export function OutboxMessagePage({ ctx, message }: { ctx: PageContext; message: OutboxMessage }) {
  return (
    <Layout ctx={ctx} title="Outbox message">
      <p><a href={`${ctx.basePath}/hub/outbox`}>Back to the outbox</a></p>
      <h1>Outbox message</h1>
      <dl>
        <dt>Queued at</dt><dd>{when(message.time)}</dd>
        <dt>From</dt><dd>{message.from}</dd>
        {message.replyTo && <><dt>Reply-To</dt><dd>{message.replyTo}</dd></>}
        <dt>To</dt><dd>{message.to}</dd>
        <dt>Subject</dt><dd>{message.subject}</dd>
      </dl>
      <h2>Text</h2>
      <pre class="mail-body">{message.text}</pre>
      {message.hasHtml && <p class="hint">This message also has an HTML version, which is not shown here.</p>}
    </Layout>
  );
}
