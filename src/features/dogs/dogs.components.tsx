import type { FormState } from '../../platform/http/views/forms.js';

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** A labelled multi-line text field with its hint and error, like the platform's Field. */
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

/** A labelled select with a hint and an error (the platform's Select has no hint). */
export function ChoiceSelect(props: { form: FormState; name: string; label: string; options: { value: string; label: string }[]; hint?: string }) {
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
