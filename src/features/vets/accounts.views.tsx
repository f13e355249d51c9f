import type { VetStatus } from '../../platform/db/schema.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';
import { When } from '../../platform/http/views/time.js';
import type { VetAccountView } from './accounts.service.js';

const registerLabels = { name: 'Your name', clinic: 'Clinic', area: 'Clinic town or area', licence: 'Licence number', email: 'Email', password: 'Password', confirm: 'Password again' };

/** The registration form for vets. */
export function VetRegisterPage(props: { ctx: PageContext; form: FormState; message?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Register as a vet">
      <h1>Register as a vet</h1>
      <p>Vets who treat rescue dogs can find them across the rescues on this Kona and, with the rescue's consent, read their medical record. An operator or a rescue's admin checks your licence number before you can search.</p>
      <ErrorSummary form={form} message={props.message} labels={registerLabels} />
      <form method="post" action="/vet/register" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="name" label={registerLabels.name} autocomplete="name" required />
        <Field form={form} name="clinic" label={registerLabels.clinic} autocomplete="organization" required />
        <Field form={form} name="area" label={registerLabels.area} hint="Optional. Rescues see it, and dogs near it are shown first." />
        <Field form={form} name="licence" label={registerLabels.licence} hint="As your veterinary regulator issued it." required />
        <Field form={form} name="email" label={registerLabels.email} type="email" autocomplete="email" required />
        <Field form={form} name="password" label={registerLabels.password} type="password" autocomplete="new-password" hint="At least 12 characters (a few words together work well)." required keepValue={false} />
        <Field form={form} name="confirm" label={registerLabels.confirm} type="password" autocomplete="new-password" required keepValue={false} />
        <div><button type="submit">Register</button></div>
      </form>
      <p>Already registered? <a href="/vet/sign-in">Sign in</a></p>
    </Layout>
  );
}

/** The vet sign-in page. */
export function VetSignInPage(props: { ctx: PageContext; form: FormState; message?: string; notice?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Vet sign-in">
      <h1>Sign in as a vet</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action="/vet/sign-in" class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="next" value={form.values.next ?? ''} />
        <Field form={form} name="email" label="Email" type="email" autocomplete="username" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="current-password" required keepValue={false} />
        <div><button type="submit">Sign in</button></div>
      </form>
      <p>New here? <a href="/vet/register">Register as a vet</a></p>
    </Layout>
  );
}

const statusWords: Record<VetStatus, string> = {
  pending: 'Waiting for verification',
  verified: 'Verified',
  rejected: 'Not verified',
  disabled: 'Disabled',
};

/** What a pending vet is told (the account page, and the home page until they are verified). */
export const waitingForVerification = 'Your account is waiting for verification. The Kona operator or the admin of a rescue will check your licence number; we will email you when they have. Until then you cannot search for dogs or ask for access.';

/** The vet's own account: status and clinic; for a pending vet, the "waiting for verification" page. */
export function VetAccountPage(props: { ctx: PageContext; account: VetAccountView; registered?: boolean }) {
  const { ctx, account } = props;
  return (
    <Layout ctx={ctx} title="Your vet account">
      <h1>Your vet account</h1>
      {props.registered && <Notice>Thank you for registering. We emailed you a confirmation.</Notice>}
      {account.status === 'pending' && <Notice>{waitingForVerification}</Notice>}
      {account.status === 'verified' && <p>Your account is verified: you can <a href="/vet/search">find a dog</a> and see <a href="/vet">your requests</a>.</p>}
      <dl>
        <dt>Name</dt><dd>{account.name}</dd>
        <dt>Clinic</dt><dd>{account.clinic}</dd>
        <dt>Clinic town or area</dt><dd>{account.area || 'not given'}</dd>
        <dt>Status</dt><dd>{statusWords[account.status]}</dd>
        <dt>Registered</dt><dd><When at={account.registeredAt} /></dd>
      </dl>
    </Layout>
  );
}
