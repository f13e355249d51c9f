import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';

/** The hub's sign-in page. */
export function SignInPage(props: { ctx: PageContext; form: FormState; message?: string; notice?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Sign in">
      <h1>Sign in to the {ctx.rescueName} hub</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={`${ctx.basePath}/hub/sign-in`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="next" value={form.values.next ?? ''} />
        <Field form={form} name="email" label="Email" type="email" autocomplete="username" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="current-password" required keepValue={false} />
        <div><button type="submit">Sign in</button></div>
      </form>
      <p><a href={`${ctx.basePath}/hub/forgot-password`}>Forgot password?</a></p>
    </Layout>
  );
}

/** The change-password page. */
export function ChangePasswordPage(props: { ctx: PageContext; form: FormState; message?: string; done?: boolean }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Change password">
      <h1>Change your password</h1>
      {props.done && <Notice>Your password was changed. Every other device you were signed in on has been signed out.</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={`${ctx.basePath}/hub/account/password`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="current" label="Current password" type="password" autocomplete="current-password" required keepValue={false} />
        <Field form={form} name="password" label="New password" type="password" autocomplete="new-password" hint="At least 12 characters." required keepValue={false} />
        <Field form={form} name="confirm" label="New password again" type="password" autocomplete="new-password" required keepValue={false} />
        <div><button type="submit">Change password</button></div>
      </form>
    </Layout>
  );
}
