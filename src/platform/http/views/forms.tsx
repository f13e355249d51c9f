import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../errors/errors.js';

/** What a form shows again after a rejected submission: the values typed and what was wrong. */
export interface FormState {
  values: Record<string, string>;
  errors: FieldErrors;
}

/** An empty form. */
export const emptyForm: FormState = { values: {}, errors: {} };

/** A labelled input with its hint and error, wired with aria-describedby. */
export function Field(props: {
  form: FormState;
  name: string;
  label: string;
  type?: string;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  keepValue?: boolean;
}) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.keepValue === false ? '' : (props.form.values[props.name] ?? '')}
        autocomplete={props.autocomplete}
        required={props.required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      />
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** A labelled select with its hint and error. */
export function Select(props: { form: FormState; name: string; label: string; options: { value: string; label: string }[]; hint?: string }) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, error)}>
        {props.options.map((o) => (
          <option value={o.value} selected={(props.form.values[props.name] ?? '') === o.value}>{o.label}</option>
        ))}
      </select>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A labelled multi-line text field with its hint and error. */
export function TextArea(props: { form: FormState; name: string; label: string; hint?: string; rows?: number; maxLength?: number }) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        name={props.name}
        rows={props.rows ?? 4}
        maxLength={props.maxLength}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, props.hint, error)}
      >
        {props.form.values[props.name] ?? ''}
      </textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/**
 * One checkbox with its label beside it (`.check`), its hint and error. Checked when the form's
 * value is `value` ("yes" unless given).
 */
export function Checkbox(props: { form: FormState; name: string; label: string; value?: string; hint?: string }) {
  const id = `f-${props.name}`;
  const value = props.value ?? 'yes';
  const error = props.form.errors[props.name];
  return (
    <div>
      <div class="check">
        <input type="checkbox" id={id} name={props.name} value={value} checked={props.form.values[props.name] === value}
          aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, error)} />
        <label for={id}>{props.label}</label>
      </div>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/**
 * A group of radio buttons: a fieldset whose legend is the question, each button beside its label.
 * The first button's id is `f-<name>`, so the error summary's link lands on the group.
 */
export function Choices(props: { form: FormState; name: string; legend: string; options: { value: string; label: string }[]; required?: boolean; hint?: string }) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <fieldset aria-describedby={describedBy(id, props.hint, error)}>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {props.options.map((o, i) => {
        const optionId = i === 0 ? id : `${id}-${i}`;
        return (
          <div class="check" key={o.value}>
            <input type="radio" id={optionId} name={props.name} value={o.value} checked={props.form.values[props.name] === o.value}
              required={props.required} aria-invalid={error ? 'true' : undefined} />
            <label for={optionId}>{o.label}</label>
          </div>
        );
      })}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </fieldset>
  );
}

/**
 * A summary of what was wrong, announced to screen readers, with a link to each field at fault
 * (`#f-<name>`, the id every component here gives its control), named by `labels` where given.
 */
export function ErrorSummary({ form, message, labels = {} }: { form: FormState; message?: string; /** Each field's name for the summary ("Email: is required"). */ labels?: Record<string, string> }) {
  const fields = Object.entries(form.errors);
  const count = fields.length;
  if (!message && count === 0) return null;
  return (
    <div class="notice error error-summary" role="alert">
      <p class="error-summary-title">{message ?? `Please correct ${count === 1 ? 'the field' : `${count} fields`} below.`}</p>
      {count > 0 && (
        <ul>{fields.map(([name, error]) => <li key={name}><a href={`#f-${name}`}>{labels[name] ? `${labels[name]}: ${error}` : error}</a></li>)}</ul>
      )}
    </div>
  );
}

/** A status message (saved, sent…). */
export function Notice({ children, kind = 'ok' }: { children: ComponentChildren; kind?: 'ok' | 'error' }) {
  return <div class={`notice ${kind}`} role="status">{children}</div>;
}
