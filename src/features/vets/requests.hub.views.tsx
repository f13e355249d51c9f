import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, TextArea, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { When } from '../../platform/http/views/time.js';
import type { VetStatus } from '../../platform/db/schema.js';
import type { RescueRequestRow } from './requests.lists.js';

const vetStatusWords: Record<VetStatus, string> = { pending: 'Not verified yet', verified: 'Verified', rejected: 'Rejected', disabled: 'Disabled' };
const hubStatusWords = { pending: 'Waiting for a decision', approved: 'Approved', denied: 'Denied', revoked: 'Revoked', withdrawn: 'Withdrawn by the vet' } as const;
const statusOf = (r: RescueRequestRow) => (r.status === 'approved' && !r.open ? 'Approved, now expired' : hubStatusWords[r.status]);

/** The rescue's vet access requests, pending first. */
export function VetRequestsPage({ ctx, rows }: { ctx: PageContext; rows: RescueRequestRow[] }) {
  return (
    <Layout ctx={ctx} title="Vet access">
      <h1>Vet access requests</h1>
      <p>Verified vets treating one of your dogs can ask to read its medical record and message you. Nothing is shared until you approve, and you can end access at any time.</p>
      {rows.length === 0 ? <p>No vet has asked for access yet.</p> : (
        <TableWrap labelledBy="vet-requests-caption">
          <table>
            <caption id="vet-requests-caption">Requests, those waiting for a decision first</caption>
            <thead><tr><th scope="col">Vet</th><th scope="col">Clinic</th><th scope="col">Licence</th><th scope="col">Dog</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Asked</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row"><a href={`${ctx.basePath}/hub/vet-requests/${r.id}`}>{r.vetName}</a> ({vetStatusWords[r.vetStatus]})</th>
                  <td>{r.clinic}{r.clinicArea ? `, ${r.clinicArea}` : ''}</td>
                  <td>{r.licence}</td>
                  <td><a href={`${ctx.basePath}/hub/dogs/${r.dogId}`}>{r.dogName}</a></td>
                  <td>{r.reason.length > 140 ? `${r.reason.slice(0, 139)}…` : r.reason}</td>
                  <td>{statusOf(r)}</td>
                  <td><When at={r.askedAt} dateOnly /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

/** The forms a request's page shows, each with what was sent when it was refused. */
export interface DecisionForms { approve?: FormState; deny?: FormState; revoke?: FormState; message?: string }

/** One request: who asks, for which dog and why, and the decision forms its status allows. */
export function VetRequestPage({ ctx, r, forms = {}, notice }: { ctx: PageContext; r: RescueRequestRow; forms?: DecisionForms; notice?: string }) {
  const empty: FormState = { values: {}, errors: {} };
  const refused = forms.approve ?? forms.deny ?? forms.revoke;
  return (
    <Layout ctx={ctx} title={`Vet access: ${r.dogName}`}>
      <h1>{`${r.vetName} asks for access to ${r.dogName}`}</h1>
      {notice && <Notice>{notice}</Notice>}
      {refused && <ErrorSummary form={refused} message={forms.message} labels={{ days: 'Days', reason: 'Reason' }} />}
      {!refused && forms.message && <div class="notice error" role="alert">{forms.message}</div>}
      <dl>
        <dt>Vet</dt><dd>{r.vetName} ({vetStatusWords[r.vetStatus]})</dd>
        <dt>Clinic</dt><dd>{r.clinic}{r.clinicArea ? `, ${r.clinicArea}` : ''}</dd>
        <dt>Licence number</dt><dd>{r.licence}</dd>
        <dt>Dog</dt><dd><a href={`${ctx.basePath}/hub/dogs/${r.dogId}`}>{r.dogName}</a></dd>
        <dt>Why they ask</dt><dd>{r.reason}</dd>
        <dt>Status</dt><dd>{statusOf(r)}</dd>
        <dt>Asked</dt><dd><When at={r.askedAt} /></dd>
        {r.decidedAt && <><dt>Decided</dt><dd><When at={r.decidedAt} /></dd></>}
        {r.expiresAt && <><dt>Access until</dt><dd><When at={r.expiresAt} /></dd></>}
        {r.revokedAt && <><dt>Revoked</dt><dd><When at={r.revokedAt} /></dd></>}
        {r.decisionReason && <><dt>Reason given</dt><dd>{r.decisionReason}</dd></>}
      </dl>
      {r.open && <p><a href={`${ctx.basePath}/hub/vet-grants/${r.id}`}>Messages and documents under this access</a></p>}
      {r.status === 'pending' && (
        <>
          <form method="post" action={`${ctx.basePath}/hub/vet-requests/${r.id}/approve`} class="stack" novalidate>
            <Csrf token={ctx.csrfToken} />
            <h2>Approve</h2>
            <Field form={forms.approve ?? { values: { days: '30' }, errors: {} }} name="days" label="Access for how many days" hint="1 to 365. The vet can read the dog's medical record and documents and message you until then." />
            <div><button type="submit">Approve access</button></div>
          </form>
          <form method="post" action={`${ctx.basePath}/hub/vet-requests/${r.id}/deny`} class="stack" novalidate>
            <Csrf token={ctx.csrfToken} />
            <h2>Deny</h2>
            <TextArea form={forms.deny ?? empty} name="reason" label="Reason (required; the vet is told)" rows={3} />
            <div><button type="submit">Deny access</button></div>
          </form>
        </>
      )}
      {r.status === 'approved' && (
        <form method="post" action={`${ctx.basePath}/hub/vet-requests/${r.id}/revoke`} class="stack" novalidate>
          <Csrf token={ctx.csrfToken} />
          <h2>End access now</h2>
          <TextArea form={forms.revoke ?? empty} name="reason" label="Reason (optional; the vet is told)" rows={3} />
          <div><button type="submit">Revoke access</button></div>
        </form>
      )}
      <p><a href={`${ctx.basePath}/hub/vet-requests`}>All vet access requests</a></p>
    </Layout>
  );
}
