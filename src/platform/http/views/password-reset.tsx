/** The two pages of a password reset, shared by a rescue's hub and the operator console. */
import { Csrf, Layout, type PageContext } from './layout.js';
import { ErrorSummary, Field, Notice, type FormState } from './forms.js';

/** The answer to every accepted request, whether or not the email has an account. */
export const resetRequestedNotice = 'If an account exists for that email, we sent a link to choose a new password. It works once and expires soon; check your spam folder if it does not arrive.';

/** "Forgot password?": asks for the email a link is sent to. */
export function ForgotPasswordPage(props: { ctx: PageContext; action: string; signInHref: string; form: FormState; message?: string; notice?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Forgot password">
      <h1>Forgot your password?</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <p>Enter the email address you sign in with. We will email you a link to choose a new password.</p>
      <form method="post" action={props.action} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="email" label="Email" type="email" autocomplete="username" required />
        <div><button type="submit">Send me a link</button></div>
      </form>
      <p><a href={props.signInHref}>Back to sign in</a></p>
    </Layout>
  );
}

/** The page a reset link opens: the new password form. */
export function ResetPasswordPage(props: { ctx: PageContext; action: string; account: string; form: FormState; message?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Choose a new password">
      <h1>Choose a new password</h1>
      <p>For the account <strong>{props.account}</strong>. Afterwards you are signed out everywhere and sign in with the new password.</p>
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={props.action} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="password" label="New password" type="password" autocomplete="new-password" hint="At least 12 characters." required keepValue={false} />
        <Field form={form} name="confirm" label="New password again" type="password" autocomplete="new-password" required keepValue={false} />
        <div><button type="submit">Set new password</button></div>
      </form>
    </Layout>
  );
}
