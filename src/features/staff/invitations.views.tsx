import type { StaffRole } from '../../platform/db/schema.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, type FormState } from '../../platform/http/views/forms.js';

/** The page an invitation link opens: who is invited as what, and the form to create the account. */
export function AcceptInvitationPage(props: { ctx: PageContext; action: string; invitation: { email: string; role: StaffRole }; form: FormState; message?: string }) {
  const { ctx, form, invitation } = props;
  return (
    <Layout ctx={ctx} title="Join the hub">
      <h1>Join the {ctx.rescueName} hub</h1>
      <p>
        You were invited as <strong>{invitation.role}</strong> with the email address <strong>{invitation.email}</strong>.
        Choose the name others will see and a password to finish creating your account.
      </p>
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={props.action} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="name" label="Your name" autocomplete="name" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="new-password" hint="At least 12 characters." required keepValue={false} />
        <Field form={form} name="confirm" label="Password again" type="password" autocomplete="new-password" required keepValue={false} />
        <div><button type="submit">Create my account</button></div>
      </form>
    </Layout>
  );
}
