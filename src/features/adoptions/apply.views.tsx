import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { Choices, ErrorSummary, Field, type FormState } from '../../platform/http/views/forms.js';
import { answerField } from './apply.schema.js';
import type { Question } from './questions.service.js';

function describedBy(id: string, error?: string) {
  return error ? `${id}-error` : undefined;
}

function LongText({ form, name, label, required }: { form: FormState; name: string; label: string; required?: boolean }) {
  const id = `f-${name}`;
  const error = form.errors[name];
  return (
    <div>
      <label for={id}>{label}{required ? ' (required)' : ''}</label>
      <textarea id={id} name={name} rows={3} required={required} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, error)}>{form.values[name] ?? ''}</textarea>
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

function QuestionField({ form, q }: { form: FormState; q: Question }) {
  const name = answerField(q.id);
  if (q.kind === 'text') return <LongText form={form} name={name} label={q.label} required={q.required} />;
  const options = q.kind === 'yes_no' ? [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] : q.choices.map((c) => ({ value: c, label: c }));
  return <Choices form={form} name={name} legend={`${q.label}${q.required ? ' (required)' : ''}`} options={options} required={q.required} />;
}

/** What the error summary calls each field of the form. */
function summaryLabels(questions: Question[]): Record<string, string> {
  return { name: 'Your name', email: 'Email', phone: 'Phone', address: 'Address', ...Object.fromEntries(questions.map((q) => [answerField(q.id), q.label])) };
}

/** The public application form for one dog. */
export function ApplyPage(props: { ctx: PageContext; dog: { id: string; name: string }; questions: Question[]; form: FormState; idempotencyKey: string; message?: string }) {
  const { ctx, dog, form } = props;
  return (
    <Layout ctx={ctx} title={`Apply to adopt ${dog.name}`}>
      <h1>{`Apply to adopt ${dog.name}`}</h1>
      <p>Tell us about yourself and your home. Fields marked required must be filled in; your details are stored encrypted and only the rescue's team reads them.</p>
      <ErrorSummary form={form} message={props.message} labels={summaryLabels(props.questions)} />
      <form method="post" action={`${ctx.basePath}/dogs/${dog.id}/apply`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        <fieldset>
          <legend>About you</legend>
          <Field form={form} name="name" label="Your name (required)" autocomplete="name" required />
          <Field form={form} name="email" label="Email (required)" type="email" autocomplete="email" required />
          <Field form={form} name="phone" label="Phone" type="tel" autocomplete="tel" />
          <LongText form={form} name="address" label="Address" required />
        </fieldset>
        {props.questions.length > 0 && (
          <fieldset>
            <legend>Your home and experience</legend>
            {props.questions.map((q) => <QuestionField key={q.id} form={form} q={q} />)}
          </fieldset>
        )}
        <div><button type="submit">Send application</button></div>
      </form>
      <p><a href={`${ctx.basePath}/dogs/${dog.id}`}>{`Back to ${dog.name}`}</a></p>
    </Layout>
  );
}

/** The confirmation after an application was received. */
export function ReceivedPage({ ctx, dog }: { ctx: PageContext; dog: { id: string; name: string } }) {
  return (
    <Layout ctx={ctx} title="Application received">
      <h1>Application received</h1>
      <p role="status">{`Thank you for applying to adopt ${dog.name}. We have sent a confirmation to your email address and will be in touch soon.`}</p>
      <p><a href={`${ctx.basePath}/`}>See all our dogs</a></p>
    </Layout>
  );
}
