import { ErrorSummary, Field, Notice, type FormState, TextArea } from '../../platform/http/views/forms.js';
import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { placeholders, templateLabel, type TemplateStatus } from './templates.render.js';
import type { TemplatePreview, TemplateView } from './templates.service.js';

const when: Record<TemplateStatus, string> = {
  received: 'Sent when an application arrives through the public form.',
  new: '',
  in_review: 'Offered when staff start reviewing an application or reopen it.',
  interview_scheduled: 'Offered when staff schedule (or move) an interview.',
  approved: 'Offered when staff approve an application.',
  denied: 'Offered when staff deny an application; {{reason}} is the reason they give.',
  withdrawn: 'Offered when staff mark an application as withdrawn by the applicant.',
  closed: 'Offered to the other applicants when a dog\'s adoption is completed.',
  completed: 'Offered to the adopter when the adoption is completed.',
};

function Preview({ preview }: { preview: TemplatePreview }) {
  return (
    <section aria-labelledby="preview-heading">
      <h2 id="preview-heading">Preview</h2>
      <p class="hint">For a made-up applicant, Alex Example, applying for {preview.dogName}.</p>
      <p><strong>Subject:</strong> {preview.subject}</p>
      <pre class="mail-body">{preview.text}</pre>
    </section>
  );
}

function Placeholders() {
  return (
    <section aria-labelledby="placeholders-heading">
      <h2 id="placeholders-heading">Placeholders</h2>
      <p>Write these in the subject or the text; Kona fills them in for each email. Anything else in double braces is refused.</p>
      <ul>{Object.entries(placeholders).map(([name, meaning]) => <li key={name}><code>{`{{${name}}}`}</code>: {meaning}</li>)}</ul>
    </section>
  );
}

/** The list of the rescue's email templates for applicants, with whether each is on. */
export function TemplatesPage({ ctx, templates, notice }: { ctx: PageContext; templates: TemplateView[]; notice?: string }) {
  return (
    <Layout ctx={ctx} title="Emails to applicants">
      <p><a href={`${ctx.basePath}/hub/applications`}>Back to the applications</a></p>
      <h1>Emails to applicants</h1>
      {notice && <Notice>{notice}</Notice>}
      <p>Each step of an application can email the applicant. Staff choose each time whether to send it; a template that is switched off is never sent.</p>
      <ul class="cards">
        {templates.map((t) => (
          <li key={t.status}>
            <h2>{templateLabel(t.status)}</h2>
            <p>{when[t.status]}</p>
            <p><strong>{!t.stored ? 'Not written yet' : t.enabled ? 'On' : 'Switched off'}</strong>{t.stored && <>: “{t.subject}”</>}</p>
            <p><a href={`${ctx.basePath}/hub/adoptions/templates/${t.status}`}>Edit the “{templateLabel(t.status)}” email</a></p>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

/** One template's edit form with a preview (of what is saved, or of what was typed). */
export function TemplateEditPage(props: { ctx: PageContext; status: TemplateStatus; form: FormState; preview?: TemplatePreview; message?: string }) {
  const { ctx, status, form } = props;
  const label = templateLabel(status);
  return (
    <Layout ctx={ctx} title={`“${label}” email`}>
      <p><a href={`${ctx.basePath}/hub/adoptions/templates`}>Back to the emails</a></p>
      <h1>“{label}” email</h1>
      <p>{when[status]}</p>
      <ErrorSummary form={form} message={props.message} />
      <form method="post" action={`${ctx.basePath}/hub/adoptions/templates/${status}`} class="stack" aria-label={`The “${label}” email`}>
        <Csrf token={ctx.csrfToken} />
        <Field form={form} name="subject" label="Subject" hint="One line." />
        <TextArea form={form} name="body" label="Text" rows={10} hint="Plain text. A blank line starts a new paragraph." />
        <div class="check">
          <input type="checkbox" id="f-enabled" name="enabled" value="yes" checked={form.values.enabled === 'yes'} />
          <label for="f-enabled">Send this email (when it is switched off, it is never sent)</label>
        </div>
        <div>
          <button type="submit" name="intent" value="save">Save</button>{' '}
          <button type="submit" name="intent" value="preview" class="secondary">Preview without saving</button>
        </div>
      </form>
      {props.preview && <Preview preview={props.preview} />}
      <Placeholders />
    </Layout>
  );
}
