import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Notice, emptyForm } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import { When } from '../../platform/http/views/time.js';
import type { VetDecision, VetRow } from './verify.service.js';

const buttons: Record<VetDecision, { label: string; danger?: boolean }> = {
  verify: { label: 'Verify' },
  reject: { label: 'Reject', danger: true },
  disable: { label: 'Disable', danger: true },
  enable: { label: 'Re-enable' },
};

/** Which decisions the operator may take on a vet in this status. */
export function operatorChoices(vet: VetRow): VetDecision[] {
  return vet.status === 'pending' ? ['verify', 'reject'] : vet.status === 'rejected' ? ['verify'] : vet.status === 'verified' ? ['disable'] : ['enable'];
}

function DecisionForm({ ctx, action, decision, vet }: { ctx: PageContext; action: string; decision: VetDecision; vet: VetRow }) {
  const b = buttons[decision];
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={ctx.csrfToken} />
      <button type="submit" class={b.danger ? 'danger' : undefined} aria-label={`${b.label} ${vet.name}`}>{b.label}</button>
    </form>
  );
}

function Decided({ vet }: { vet: VetRow }) {
  if (!vet.decided) return <>not yet</>;
  const by = vet.decided.by === 'operator' ? 'the operator' : `an admin of ${vet.decided.tenant ?? 'a rescue'}`;
  return <>by {by}, <When at={vet.decided.at} /></>;
}

/** Notices after a decision (redirect-after-POST), by decision. */
export const decisionNotices: Record<VetDecision, string> = {
  verify: 'The vet was verified and emailed: they can now search for dogs and ask rescues for access.',
  reject: 'The registration was rejected and the vet emailed; they cannot sign in.',
  disable: 'The vet was disabled, signed out everywhere and emailed.',
  enable: 'The vet was enabled again and emailed.',
};

/** The operator console's vets: pending first, every vet with their details and the decisions their status allows. */
export function OperatorVetsPage(props: { ctx: PageContext; vets: VetRow[]; notice?: string; message?: string }) {
  const { ctx, vets } = props;
  const pending = vets.filter((v) => v.status === 'pending').length;
  return (
    <Layout ctx={ctx} title="Vets">
      <h1>Vets</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={emptyForm} message={props.message} />
      <p>Check each licence number with the veterinary regulator before verifying. A verified vet can search every rescue that takes part and ask for access to a dog; the rescue still decides each request. {pending === 0 ? 'No vet is waiting for verification.' : `${pending} ${pending === 1 ? 'vet is' : 'vets are'} waiting for verification.`}</p>
      {vets.length === 0 ? <p>No vet has registered yet. Vets register at <a href="/vet/register">/vet/register</a>.</p> : (
        <TableWrap labelledBy="vets-caption">
          <table>
            <caption id="vets-caption">Vet accounts ({vets.length})</caption>
            <thead><tr><th scope="col">Vet</th><th scope="col">Email</th><th scope="col">Clinic</th><th scope="col">Area</th><th scope="col">Licence number</th><th scope="col">Status</th><th scope="col">Registered</th><th scope="col">Decided</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {vets.map((v) => (
                <tr key={v.id}>
                  <th scope="row">{v.name}</th>
                  <td>{v.email}</td>
                  <td>{v.clinic}</td>
                  <td>{v.area || '—'}</td>
                  <td><code>{v.licence}</code></td>
                  <td>{v.status}</td>
                  <td><When at={v.registeredAt} /></td>
                  <td><Decided vet={v} /></td>
                  <td>{operatorChoices(v).map((d) => <DecisionForm key={d} ctx={ctx} action={`/operator/vets/${v.id}/${d}`} decision={d} vet={v} />)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

/** The hub's vets page for a rescue's admins: vets waiting for verification, to verify or reject for all of Kona. */
export function HubVetsPage(props: { ctx: PageContext; vets: VetRow[]; notice?: string; message?: string }) {
  const { ctx, vets } = props;
  const base = ctx.basePath ?? '';
  return (
    <Layout ctx={ctx} title="Vets waiting for verification">
      <h1>Vets waiting for verification</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={emptyForm} message={props.message} />
      <p>Vets register on Kona to find the rescue dogs they treat. Check the licence number with the veterinary regulator (or that you know the vet) before verifying: your decision counts for every rescue on this Kona, and is recorded with your name. A verified vet still needs your rescue's consent for each dog.</p>
      {vets.length === 0 ? <p>No vet is waiting for verification.</p> : (
        <TableWrap labelledBy="vets-caption">
          <table>
            <caption id="vets-caption">Waiting for verification ({vets.length})</caption>
            <thead><tr><th scope="col">Vet</th><th scope="col">Clinic</th><th scope="col">Area</th><th scope="col">Licence number</th><th scope="col">Registered</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {vets.map((v) => (
                <tr key={v.id}>
                  <th scope="row">{v.name}</th>
                  <td>{v.clinic}</td>
                  <td>{v.area || '—'}</td>
                  <td><code>{v.licence}</code></td>
                  <td><When at={v.registeredAt} /></td>
                  <td>{(['verify', 'reject'] as const).map((d) => <DecisionForm key={d} ctx={ctx} action={`${base}/hub/vets/${v.id}/${d}`} decision={d} vet={v} />)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
