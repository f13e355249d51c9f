import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';

/** The signing page's props: the contract, and the form (or why it is not offered). */
export interface SignPageProps {
  ctx: PageContext;
  action: string;
  dogName: string;
  text: string;
  expiresAt: Date;
  form: FormState;
  /** The pad's script URL (fingerprinted). */
  script: string;
  /** Set when a signed-in staff member opened the link: no form, this explanation instead. */
  staffNotice?: string;
}

function AgreeBox({ form }: { form: FormState }) {
  const error = form.errors.agree;
  return (
    <div>
      <div class="check">
        <input type="checkbox" id="f-agree" name="agree" value="yes" checked={form.values.agree === 'yes'}
          aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-agree-error' : undefined} />
        <label for="f-agree">I have read this contract and I agree to it.</label>
      </div>
      {error && <p class="field-error" id="f-agree-error">{error}</p>}
    </div>
  );
}

// Without JavaScript the pad stays hidden and the typed name with "I agree" is the signature.
function SignaturePad({ form }: { form: FormState }) {
  const error = form.errors.signature;
  return (
    <div data-signature-pad hidden>
      <p class="contract-pad-label" id="pad-label">Draw your signature (optional)</p>
      <canvas class="contract-pad" width={600} height={200} role="img" aria-labelledby="pad-label" aria-describedby="pad-hint"></canvas>
      <p class="hint" id="pad-hint">Draw with a finger, pen or mouse. Your typed name below signs the contract on its own if you prefer not to draw.</p>
      {error && <p class="field-error" id="f-signature-error">{error}</p>}
      <button type="button" class="secondary" data-signature-clear>Clear the drawing</button>
      <input type="hidden" name="signature" value="" />
    </div>
  );
}

/** The adopter's page: the contract text, then the signing form. */
export function SignPage(props: SignPageProps) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title={`Adoption contract for ${props.dogName}`}>
      <h1>Adoption contract for {props.dogName}</h1>
      <ErrorSummary form={form} message={Object.keys(form.errors).length ? 'The contract was not signed: see the fields below.' : undefined} />
      <p>Please read the contract below. Signing it on this page is a binding signature. This link works once, until <When at={props.expiresAt} dateOnly />.</p>
      <h2>The contract</h2>
      <div class="mail-body" tabIndex={0} role="region" aria-label="Contract text">{props.text}</div>
      <h2>Sign</h2>
      {props.staffNotice ? (
        <Notice kind="error">{props.staffNotice}</Notice>
      ) : (
        <form method="post" action={props.action} class="stack" novalidate data-signature-form>
          <Csrf token={ctx.csrfToken} />
          <SignaturePad form={form} />
          <Field form={form} name="typed_name" label="Your full name" hint="As it appears in the contract." autocomplete="name" required />
          <AgreeBox form={form} />
          <p class="hint">When you sign, Kona records the time, your IP address and your browser's user agent with the signed contract.</p>
          <div><button type="submit">Sign the contract</button></div>
        </form>
      )}
      <script src={props.script} defer></script>
    </Layout>
  );
}

/** Why a signing link cannot be used (already signed, expired, replaced or unknown). */
export function ClosedLinkPage(props: { ctx: PageContext; message: string }) {
  return (
    <Layout ctx={props.ctx} title="This signing link cannot be used">
      <h1>This signing link cannot be used</h1>
      <p>{props.message}</p>
    </Layout>
  );
}

/** The thank-you page after signing. */
export function SignedPage(props: { ctx: PageContext; dogName: string; signedAt: Date; textSha256: string }) {
  return (
    <Layout ctx={props.ctx} title="Thank you for signing">
      <h1>Thank you for signing</h1>
      <Notice>Your adoption contract for {props.dogName} was signed on <When at={props.signedAt} />.</Notice>
      <p>The rescue has the signed contract and will be in touch about the next steps. Ask them if you would like a copy.</p>
      <p>Fingerprint of the text you signed (SHA-256): <code>{props.textSha256}</code></p>
    </Layout>
  );
}
