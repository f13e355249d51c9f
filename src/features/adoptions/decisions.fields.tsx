import type { FormState } from '../../platform/http/views/forms.js';
import type { ApplicationDetail } from './decisions.detail.js';
import { templateLabel, type TemplateStatus } from './templates.render.js';

// The labelled inputs of the application page's forms; ids carry the form's prefix because the page holds several forms.

const described = (id: string, hint?: string, error?: string) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** A labelled input whose id is unique on a page of several forms. */
export function Input(props: { form: FormState; prefix: string; name: string; label: string; type?: string; hint?: string; value?: string }) {
  const id = `f-${props.prefix}-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? 'text'} value={props.form.values[props.name] ?? props.value ?? ''} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)} />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A labelled text area whose id is unique on the page. */
export function Area(props: { form: FormState; prefix: string; name: string; label: string; hint?: string; rows?: number }) {
  const id = `f-${props.prefix}-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 3} aria-invalid={error ? 'true' : undefined} aria-describedby={described(id, props.hint, error)}>{props.form.values[props.name] ?? ''}</textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A checkbox, ticked by default on a fresh form (unless `unticked`) and as it was on a rejected one. */
export function Check(props: { form?: FormState; prefix: string; name: string; label: string; unticked?: boolean }) {
  const id = `f-${props.prefix}-${props.name}`;
  const checked = props.form ? props.form.values[props.name] === 'yes' : !props.unticked;
  return (
    <div class="check">
      <input type="checkbox" id={id} name={props.name} value="yes" checked={checked} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** The email choice of one step: a checkbox when the template is on, else a line saying no email goes out. */
export function EmailChoice(props: { detail: ApplicationDetail; form?: FormState; prefix: string; name: string; template: TemplateStatus; who: string }) {
  const label = templateLabel(props.template);
  if (!props.detail.emailOn.has(props.template)) return <p class="hint">No email goes to {props.who}: the “{label}” email template is switched off.</p>;
  return <Check form={props.form} prefix={props.prefix} name={props.name} label={`Email ${props.who} (the “${label}” template)`} />;
}

