import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { RescueRow } from './rescues.service.js';

/** The operator console's sign-in page. */
export function OperatorSignInPage(props: { ctx: PageContext; form: FormState; message?: string; notice?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Operator sign-in">
      <h1>Sign in to the operator console</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action="/operator/sign-in" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="next" value={form.values.next ?? ''} />
        <Field form={form} name="username" label="Username" autocomplete="username" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="current-password" required keepValue={false} />
        <div><button type="submit">Sign in</button></div>
      </form>
      <p><a href="/operator/forgot-password">Forgot password?</a></p>
    </Layout>
  );
}

function StatusForm({ ctx, rescue }: { ctx: PageContext; rescue: RescueRow }) {
  const disable = rescue.status === 'active';
  const verb = disable ? 'Disable' : 'Enable';
  return (
    <form method="post" action={`/operator/tenants/${rescue.slug}/${disable ? 'disable' : 'enable'}`} class="inline">
      <Csrf token={ctx.csrfToken} />
      <button type="submit" class={disable ? 'danger' : 'secondary'} aria-label={`${verb} ${rescue.name}`}>{verb}</button>
    </form>
  );
}

/** The console's home: every rescue with its status, database and hostnames, and a switch for each. */
export function RescuesPage(props: { ctx: PageContext; rescues: RescueRow[]; changed?: RescueRow }) {
  const { ctx, rescues, changed } = props;
  return (
    <Layout ctx={ctx} title="Rescues">
      <h1>Rescues</h1>
      <p><a href="/operator/inference">Inference dispatcher</a>: model backends, their health and queues.</p>
      {changed && (
        <Notice>
          {changed.name} ({changed.slug}) {changed.status === 'disabled'
            ? 'is switched off: its site and hub now answer that it is not available. Its data is kept.'
            : 'is switched on: its site and hub answer again.'}
        </Notice>
      )}
      {rescues.length === 0 ? (
        <p>No rescue has been set up yet. Create one with <code>kona tenant create &lt;slug&gt; --name "…"</code>.</p>
      ) : (
        <TableWrap labelledBy="rescues-caption">
          <table>
            <caption id="rescues-caption">Rescues on this Kona ({rescues.length})</caption>
            <thead>
              <tr>
                <th scope="col">Rescue</th>
                <th scope="col">Slug</th>
                <th scope="col">Status</th>
                <th scope="col">Database</th>
                <th scope="col">Hostnames</th>
                <th scope="col">Site</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rescues.map((r) => (
                <tr key={r.slug}>
                  <th scope="row">{r.name}</th>
                  <td><code>{r.slug}</code></td>
                  <td>{r.status}</td>
                  <td>{r.dbKind}</td>
                  <td>{r.hostnames.length ? r.hostnames.join(', ') : 'none'}</td>
                  <td>{r.status === 'active' ? <a href={`/r/${r.slug}/`}>{`/r/${r.slug}/`}</a> : 'switched off'}</td>
                  <td><StatusForm ctx={ctx} rescue={r} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
