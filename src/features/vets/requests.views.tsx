import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Notice, TextArea, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { When } from '../../platform/http/views/time.js';
import type { VetAccessStatus } from '../../platform/db/schema.js';
import type { VetRequestRow } from './requests.lists.js';
import { maxReasonChars } from './requests.schema.js';

/** Each request status in words. */
export const statusWords: Record<VetAccessStatus, string> = { pending: 'Waiting for the rescue', approved: 'Approved', denied: 'Not approved', revoked: 'Access ended by the rescue', withdrawn: 'Withdrawn' };

/** A vet whose account is not verified yet: nothing else to see. */
export function VetWaitingPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Waiting for verification">
      <h1>Waiting for verification</h1>
      <p>Your account is waiting for verification: an operator or a rescue's admin checks your licence number first. You will get an email once it is verified, and then you can search for dogs and ask for access to their records.</p>
    </Layout>
  );
}

/** A verified vet's home: their requests, newest first. */
export function VetHomePage({ ctx, rows, notice, error }: { ctx: PageContext; rows: VetRequestRow[]; notice?: string; error?: string }) {
  return (
    <Layout ctx={ctx} title="My requests">
      <h1>My access requests</h1>
      {notice && <Notice>{notice}</Notice>}
      {error && <div class="notice error" role="alert">{error}</div>}
      <p><a href="/vet/search">Find a dog</a> to ask a rescue for access to its medical record.</p>
      {rows.length === 0 ? <p>You have not asked for access to any dog yet.</p> : (
        <TableWrap labelledBy="requests-caption">
          <table>
            <caption id="requests-caption">Your requests, newest first</caption>
            <thead><tr><th scope="col">Dog</th><th scope="col">Rescue</th><th scope="col">Status</th><th scope="col">Asked</th><th scope="col">Decided</th><th scope="col">Access until</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.open ? <a href={`/vet/access/${r.id}`}>{r.dogName}</a> : r.dogName}</th>
                  <td>{r.rescueName}</td>
                  <td>{r.status === 'approved' && !r.open ? 'Access expired' : statusWords[r.status]}</td>
                  <td><When at={r.askedAt} dateOnly /></td>
                  <td>{r.decidedAt ? <When at={r.decidedAt} dateOnly /> : '—'}</td>
                  <td>{r.expiresAt && r.status === 'approved' ? <When at={r.expiresAt} /> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

/** The request form for one search result. */
export function RequestFormPage(props: { ctx: PageContext; refValue: string; dogName: string; rescueName: string; form: FormState; message?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title={`Ask for access to ${props.dogName}`}>
      <h1>{`Ask ${props.rescueName} for access to ${props.dogName}'s medical record`}</h1>
      <p>The rescue's staff decide. If they approve, you can read the dog's medical record and documents and message them until the date they set; they can end it at any time.</p>
      <ErrorSummary form={form} message={props.message} labels={{ reason: 'Why you ask', ref: 'The search result' }} />
      <form method="post" action="/vet/requests" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="ref" value={props.refValue} />
        <TextArea form={form} name="reason" label="Why you need the record (required)" hint={`Up to ${maxReasonChars.toLocaleString('en')} characters. Only the rescue's staff read it.`} rows={5} />
        <div><button type="submit">Send request</button></div>
      </form>
    </Layout>
  );
}
