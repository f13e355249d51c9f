import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { When } from '../../platform/http/views/time.js';
import { ErrorSummary, Notice, type FormState } from '../../platform/http/views/forms.js';
import type { StaffContract } from './contracts.service.js';
import { contractPlaceholders } from './contracts.template.js';


/** A labelled textarea with its hint and error. */
function TextArea(props: { form: FormState; name: string; label: string; hint?: string; rows?: number }) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  const describedBy = [props.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 20} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy}>
        {props.form.values[props.name] ?? ''}
      </textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** The admin's contract template page: the text with its placeholders, and the list of placeholders. */
export function TemplatePage(props: { ctx: PageContext; form: FormState; isDefault: boolean; notice?: string; message?: string }) {
  const { ctx, form } = props;
  return (
    <Layout ctx={ctx} title="Adoption contract template">
      <h1>Adoption contract template</h1>
      {props.notice && <Notice>{props.notice}</Notice>}
      <ErrorSummary form={form} message={props.message} />
      <p>
        When staff prepare the contract for an approved application, Kona fills this text with the dog's and the adopter's details
        and emails the adopter a link to read and sign it on screen.
      </p>
      {props.isDefault && <p>This is Kona's default contract. Edit it to match your rescue's terms; saving makes it yours.</p>}
      <form method="post" action={`${ctx.basePath}/hub/adoptions/contract-template`} class="stack contract-template" novalidate>
        <Csrf token={ctx.csrfToken} />
        <TextArea form={form} name="body" label="Contract text" hint="Plain text. Blank lines separate paragraphs. Use only the placeholders listed below, written like {{dog_name}}." />
        <div><button type="submit">Save template</button></div>
      </form>
      <h2 id="placeholders">Placeholders</h2>
      <div class="table-wrap" role="region" aria-labelledby="placeholders" tabIndex={0}>
        <table>
          <thead><tr><th scope="col">Placeholder</th><th scope="col">Becomes</th></tr></thead>
          <tbody>
            {Object.entries(contractPlaceholders).map(([name, meaning]) => (
              <tr key={name}><td><code>{`{{${name}}}`}</code></td><td>{meaning}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

function ContractStatus({ contract, base }: { contract: StaffContract; base: string }) {
  if (contract.status === 'signed') {
    return (
      <>
        <p><strong>Signed</strong> on <When at={contract.signedAt!} /> by {contract.signerName} ({contract.method === 'drawn' ? 'drawn signature' : 'typed name'}).</p>
        <p>SHA-256 of the signed text: <code>{contract.textSha256}</code></p>
        <p><a class="button" href={`${base}/contract.pdf`} download>Download the signed contract (PDF)</a></p>
      </>
    );
  }
  return (
    <p>
      <strong>{contract.status === 'expired' ? 'Link expired' : 'Prepared, waiting for the adopter to sign'}</strong>: emailed <When at={contract.preparedAt} />;
      the link {contract.status === 'expired' ? 'expired' : 'works until'} <When at={contract.expiresAt} />.
    </p>
  );
}

/** The staff page of one application's contract: its status, the text, and the prepare button. */
export function StaffContractPage(props: { ctx: PageContext; applicationId: string; dogName: string; contract?: StaffContract; canPrepare: boolean; canEditTemplate?: boolean; notice?: string; message?: string }) {
  const { ctx, contract } = props;
  const base = `${ctx.basePath}/hub/applications/${props.applicationId}`;
  const again = contract && contract.status !== 'signed';
  return (
    <Layout ctx={ctx} title={`Contract for ${props.dogName}`}>
      <h1>Adoption contract for {props.dogName}</h1>
      <p><a href={base}>Back to the application</a></p>
      {props.notice && <Notice>{props.notice}</Notice>}
      {props.message && <Notice kind="error">{props.message}</Notice>}
      {contract ? <ContractStatus contract={contract} base={base} /> : <p>No contract has been prepared for this application yet.</p>}
      {props.canPrepare && (!contract || again) && (
        <form method="post" action={`${base}/contract`} class="stack">
          <Csrf token={ctx.csrfToken} />
          <p class="hint">
            {again
              ? 'Preparing it again fills the current template, emails the adopter a new link, and stops the old link from working.'
              : "Kona fills the rescue's contract template with this dog and adopter, and emails the adopter a link to sign it. Only the adopter can sign; staff cannot sign for them."}
          </p>
          <div><button type="submit">{again ? 'Prepare again and send a new link' : 'Prepare the contract and email the adopter'}</button></div>
        </form>
      )}
      {props.canEditTemplate && <p><a href={`${ctx.basePath}/hub/adoptions/contract-template`}>Edit the rescue's contract template</a></p>}
      {contract && (
        <>
          <h2>Contract text</h2>
          <div class="mail-body">{contract.text}</div>
        </>
      )}
    </Layout>
  );
}
