import type { FormState } from '../../platform/http/views/forms.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import type { ApplicationDetail } from './decisions.detail.js';
import { feeMethodLabel, feeMethods } from './decisions.fees.js';
import { Area, Check, EmailChoice, Input } from './decisions.fields.js';
import { When } from '../../platform/http/views/time.js';

/** The first step after approval: prepare the contract, wait for the adopter's signature, or see it signed. */
export function ContractStep({ ctx, detail }: { ctx: PageContext; detail: ApplicationDetail }) {
  const { app, contract } = detail;
  const page = `${ctx.basePath}/hub/applications/${app.id}/contract`;
  return (
    <section class="stack" aria-labelledby="h-contract">
      <h3 id="h-contract">Adoption contract</h3>
      {!contract && (
        <form method="post" action={page} class="stack" aria-labelledby="h-contract">
          <p>Next: prepare the adoption contract. The adopter gets a link by email to read and sign it on screen.</p>
          <Csrf token={ctx.csrfToken} />
          <div><button type="submit">Prepare the contract and email the link</button></div>
        </form>
      )}
      {contract && !contract.signedAt && <p>The contract was sent on <When at={contract.preparedAt} /> and is waiting for the adopter's signature. <a href={page}>See the contract</a>.</p>}
      {contract?.signedAt && <p>The adopter signed the contract on <When at={contract.signedAt} />. <a href={`${page}.pdf`}>Download the signed PDF</a>.</p>}
    </section>
  );
}

/** What happens to the dog's bonded partner: adopted together (the default) or stays listed. */
export function PartnerQuestion({ detail, form, prefix, step }: { detail: ApplicationDetail; form?: FormState; prefix: string; step: 'approve' | 'complete' }) {
  const { partner, app } = detail;
  if (!partner) return null;
  const chosen = form?.values.partner ?? 'together';
  const error = form?.errors.partner;
  const together = step === 'approve'
    ? `Adopted together: ${partner.name} goes with ${app.dog_name} through this application (adoption pending now, adopted on completion)`
    : `Adopted together: ${partner.name} is adopted with ${app.dog_name}`;
  const options: [string, string][] = [['together', together], ['stays', `${partner.name} stays listed: the bond between them is ended`]];
  return (
    <fieldset aria-describedby={error ? `f-${prefix}-partner-error` : undefined}>
      <legend>{app.dog_name} is bonded with {partner.name}. What happens to {partner.name}?</legend>
      {options.map(([value, label]) => (
        <div class="check" key={value}>
          <input type="radio" id={`f-${prefix}-partner-${value}`} name="partner" value={value} checked={chosen === value} />
          <label for={`f-${prefix}-partner-${value}`}>{label}</label>
        </div>
      ))}
      {error && <p class="field-error" id={`f-${prefix}-partner-error`}>{error}</p>}
    </fieldset>
  );
}

function FeeFields({ detail, form }: { detail: ApplicationDetail; form: FormState }) {
  const method = form.values.fee_method ?? 'cash';
  const error = form.errors.fee_method;
  return (
    <fieldset>
      <legend>Adoption fee</legend>
      <Input form={form} prefix="complete" name="fee" label="Amount" value={detail.suggested.fee} hint="Required, like 150 or 150.00; 0 when the fee is waived." />
      <div>
        <label for="f-complete-fee_method">Paid by</label>
        <select id="f-complete-fee_method" name="fee_method" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'f-complete-fee_method-error' : undefined}>
          {feeMethods.map((m) => <option key={m} value={m} selected={m === method}>{feeMethodLabel(m)}</option>)}
        </select>
        {error && <p class="field-error" id="f-complete-fee_method-error">{error}</p>}
      </div>
      <Input form={form} prefix="complete" name="receipt_number" label="Receipt number" value={detail.suggested.receiptNumber} hint="Suggested; change it to match your receipt book. Each number is used once at this rescue." />
    </fieldset>
  );
}

function ContractFields({ detail, form, fresh }: { detail: ApplicationDetail; form: FormState; fresh: boolean }) {
  if (detail.contract?.signedAt) return <p>The signed contract is kept with the adoption and attached to the receipt.</p>;
  return (
    <fieldset>
      <legend>Contract</legend>
      <p>The adopter has not signed the contract. Completing needs the signature, or an override with the reason.</p>
      <Check form={fresh ? undefined : form} prefix="complete" name="contract_override" label="Complete without a signed contract" unticked />
      {form.errors.contract_override && <p class="field-error">{form.errors.contract_override}</p>}
      <Area form={form} prefix="complete" name="override_reason" label="Reason for completing without a signed contract" hint="Required with the override (for example: signed on paper at the handover). Kept with the adoption and audited." rows={2} />
    </fieldset>
  );
}

/** Completing the adoption: the fee record, the contract (or an override), a bonded partner, and whom to email. */
export function CompleteForm({ ctx, detail, form }: { ctx: PageContext; detail: ApplicationDetail; form?: FormState }) {
  const { app } = detail;
  const state = form ?? { values: {}, errors: {} };
  return (
    <form method="post" action={`${ctx.basePath}/hub/applications/${app.id}/complete`} class="stack" aria-labelledby="h-complete">
      <h3 id="h-complete">Complete the adoption</h3>
      <p>{app.dog_name} becomes adopted with this applicant recorded as the adopter. Every other open application for {app.dog_name} is closed.</p>
      <Csrf token={ctx.csrfToken} />
      <input type="hidden" name="expected" value={app.status} />
      <FeeFields detail={detail} form={state} />
      <ContractFields detail={detail} form={state} fresh={!form} />
      <PartnerQuestion detail={detail} form={form} prefix="complete" step="complete" />
      <Check form={form} prefix="complete" name="email_receipt" label={`Email the adopter the receipt${detail.contract?.signedAt ? ' with the signed contract attached' : ''}`} />
      <EmailChoice detail={detail} form={form} prefix="complete" name="email" template="completed" who="the adopter" />
      <EmailChoice detail={detail} form={form} prefix="complete" name="email_others" template="closed" who="the other applicants" />
      <div><button type="submit">Complete the adoption</button></div>
    </form>
  );
}
