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

/** A summary of what was wrong, announced to screen readers. */
export function ErrorSummary({ form, message }: { form: FormState; message?: string }) {
  const count = Object.keys(form.errors).length;
  if (!message && count === 0) return null;
  return (
    <div class="notice error" role="alert">
      {message ?? `Please correct ${count === 1 ? 'the field' : `${count} fields`} below.`}
    </div>
  );
}

/** A status message (saved, sent…). */
export function Notice({ children, kind = 'ok' }: { children: ComponentChildren; kind?: 'ok' | 'error' }) {
  return <div class={`notice ${kind}`} role="status">{children}</div>;
}
