import type { StaffRole } from '../../platform/db/schema.js';
import { When } from '../../platform/http/views/time.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, Select, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';

/** A row of the staff table. */
export interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: StaffRole;
  status: 'active' | 'disabled';
}

/** An admin-sent reset link, shown this once because the rescue has no mail server. */
export interface SentReset {
  link: string;
  email: string;
  minutes: number;
}

/** A row of the open invitations table. */
export interface InvitationRow {
  id: string;
  email: string;
  role: StaffRole;
  expiresAt: Date;
}

/** The invitation just created, whose link is shown this once. */
export interface CreatedInvitation {
  link: string;
  email: string;
  role: StaffRole;
  days: number;
}

const roles: { value: StaffRole; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'staff', label: 'Staff' },
  { value: 'foster', label: 'Foster' },
  { value: 'viewer', label: 'Viewer' },
];

function PostButton(props: { action: string; csrf: string; label: string; ariaLabel: string; danger?: boolean }) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      <button type="submit" class={props.danger ? 'danger' : 'secondary'} aria-label={props.ariaLabel}>{props.label}</button>
    </form>
  );
}

function StaffTable({ ctx, staff, selfId }: { ctx: PageContext; staff: StaffRow[]; selfId: string }) {
  const base = `${ctx.basePath}/hub/staff`;
  return (
    <TableWrap labelledBy="staff-caption">
      <table>
        <caption id="staff-caption">Everyone with an account at {ctx.rescueName}</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.name}{s.id === selfId && ' (you)'}</th>
              <td>{s.email}</td>
              <td>{s.role}</td>
              <td>{s.status === 'active' ? 'Active' : 'Disabled'}</td>
              <td>
                <form method="post" action={`${base}/${s.id}/role`} class="inline">
                  <Csrf token={ctx.csrfToken} />
                  <label for={`role-${s.id}`}>Role for {s.name}</label>
                  <select id={`role-${s.id}`} name="role">
                    {roles.map((r) => <option value={r.value} selected={r.value === s.role}>{r.label}</option>)}
                  </select>
                  <button type="submit" class="secondary" aria-label={`Change role of ${s.name}`}>Change role</button>
                </form>{' '}
                {s.status === 'active' && s.id !== selfId && (
                  <><PostButton action={`${base}/${s.id}/password-reset`} csrf={ctx.csrfToken} label="Send a password reset link" ariaLabel={`Send a password reset link to ${s.name}`} />{' '}</>
                )}
                {s.status === 'active'
                  ? <PostButton action={`${base}/${s.id}/disable`} csrf={ctx.csrfToken} label="Disable" ariaLabel={`Disable ${s.name}`} danger />
                  : <PostButton action={`${base}/${s.id}/enable`} csrf={ctx.csrfToken} label="Enable" ariaLabel={`Enable ${s.name}`} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function InvitationsTable({ ctx, invitations }: { ctx: PageContext; invitations: InvitationRow[] }) {
  if (invitations.length === 0) return <p>No invitations are waiting to be accepted.</p>;
  return (
    <TableWrap labelledBy="invitations-caption">
      <table>
        <caption id="invitations-caption">Invitations not yet accepted</caption>
        <thead>
          <tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Expires</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {invitations.map((i) => (
            <tr key={i.id}>
              <th scope="row">{i.email}</th>
              <td>{i.role}</td>
              <td><When at={i.expiresAt} /></td>
              <td><PostButton action={`${ctx.basePath}/hub/staff/invitations/${i.id}/revoke`} csrf={ctx.csrfToken} label="Withdraw" ariaLabel={`Withdraw the invitation for ${i.email}`} danger /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function CreatedPanel({ created }: { created: CreatedInvitation }) {
  return (
    <section aria-labelledby="created-heading" class="notice ok" role="status">
      <h2 id="created-heading">Invitation for {created.email} ({created.role})</h2>
      <p>
        Send this link to them; it works once and expires in {created.days} {created.days === 1 ? 'day' : 'days'}.
        It is shown only now: if it is lost, withdraw the invitation and invite them again.
      </p>
      <label for="invite-link">Invitation link</label>
      <input id="invite-link" type="text" readonly value={created.link} />
    </section>
  );
}

function SentResetPanel({ sent }: { sent: SentReset }) {
  return (
    <section aria-labelledby="reset-heading" class="notice ok" role="status">
      <h2 id="reset-heading">Password reset link for {sent.email}</h2>
      <p>
        This rescue has no mail server, so the email waits in the outbox. Send this link to them yourself; it works once
        and expires in {sent.minutes} minutes. It is shown only now.
      </p>
      <label for="reset-link">Password reset link</label>
      <input id="reset-link" type="text" readonly value={sent.link} />
    </section>
  );
}

/** Inviting an email that already has an account: offers a reset link instead of a second account. */
export function AlreadyHasAccountPage(props: { ctx: PageContext; person: { id: string; email: string; active: boolean } }) {
  const { ctx, person } = props;
  return (
    <Layout ctx={ctx} title="Already has an account">
      <h1>{person.email} already has an account</h1>
      {person.active ? (
        <>
          <p>They do not need an invitation. If they cannot sign in, send them a link to choose a new password.</p>
          <PostButton action={`${ctx.basePath}/hub/staff/${person.id}/password-reset`} csrf={ctx.csrfToken} label="Send a password reset link" ariaLabel={`Send a password reset link to ${person.email}`} />
        </>
      ) : (
        <p>Their account is disabled. Enable it on the staff page, then send them a password reset link from there.</p>
      )}
      <p><a href={`${ctx.basePath}/hub/staff`}>Back to staff</a></p>
    </Layout>
  );
}

/** The admin's staff page: members, open invitations and the invite form. */
export function StaffPage(props: {
  ctx: PageContext;
  staff: StaffRow[];
  invitations: InvitationRow[];
  selfId: string;
  inviteForm: FormState;
  message?: string;
  notice?: string;
  created?: CreatedInvitation;
  sentReset?: SentReset;
}) {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="Staff">
      <h1>Staff</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.created && <CreatedPanel created={props.created} />}
      {props.sentReset && <SentResetPanel sent={props.sentReset} />}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      <StaffTable ctx={ctx} staff={props.staff} selfId={props.selfId} />
      <h2>Open invitations</h2>
      <InvitationsTable ctx={ctx} invitations={props.invitations} />
      <h2 id="invite-heading">Invite someone</h2>
      <ErrorSummary form={props.inviteForm} />
      <form method="post" action={`${ctx.basePath}/hub/staff/invite`} class="stack" aria-labelledby="invite-heading" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={props.inviteForm} name="email" label="Email" type="email" autocomplete="off" required />
        <Select form={{ ...props.inviteForm, values: { role: 'staff', ...props.inviteForm.values } }} name="role" label="Role" options={roles} />
        <div><button type="submit">Create invitation</button></div>
      </form>
    </Layout>
  );
}
