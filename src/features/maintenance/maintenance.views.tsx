import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { formatUtc, type MaintenanceWindow } from './maintenance.service.js';

/** The operator's maintenance page: announced windows and the form to announce one. */
export function MaintenancePage(props: { ctx: PageContext; windows: MaintenanceWindow[]; form: FormState; notice?: string; message?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Maintenance">
      <h1>Maintenance windows</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <p>Every rescue's hub shows a banner from a week before a window until it ends. Times are UTC.</p>
      {props.windows.length === 0 ? (
        <p>No maintenance is announced.</p>
      ) : (
        <TableWrap labelledBy="windows-caption">
          <table>
            <caption id="windows-caption">Announced windows</caption>
            <thead>
              <tr><th scope="col">From</th><th scope="col">Until</th><th scope="col">Message</th><th scope="col">Action</th></tr>
            </thead>
            <tbody>
              {props.windows.map((w) => (
                <tr key={w.id}>
                  <td>{formatUtc(w.startsAt)}</td>
                  <td>{formatUtc(w.endsAt)}</td>
                  <td>{w.message}</td>
                  <td>
                    <form method="post" action={`/operator/maintenance/${w.id}/cancel`}>
                      <Csrf token={ctx.csrfToken} />
                      <button type="submit" class="secondary" aria-label={`Cancel the window from ${formatUtc(w.startsAt)}`}>Cancel</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <h2>Announce a window</h2>
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action="/operator/maintenance" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="startsAt" label="Starts (UTC)" type="datetime-local" required />
        <Field form={form} name="endsAt" label="Ends (UTC)" type="datetime-local" required />
        <Field form={form} name="message" label="Message for rescues" hint="What will happen and what still works, e.g. “The switch restarts; the hub is offline for about 5 minutes.”" required />
        <div><button type="submit">Announce</button></div>
      </form>
    </Layout>
  );
}
