import type { FormState } from '../../platform/http/views/forms.js';

function describedBy(id: string, hint?: string, error?: string) {
  return [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** A labelled multi-line text field with its hint and error. */
export function TextArea(props: { form: FormState; name: string; label: string; hint?: string; rows?: number }) {
  const id = `f-${props.name}`;
  const error = props.form.errors[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 4} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy(id, props.hint, error)}>
        {props.form.values[props.name] ?? ''}
      </textarea>
      {props.hint && <p class="hint" id={`${id}-hint`}>{props.hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
    </div>
  );
}

/** A group of checkboxes sharing one name; `checked` lists the values ticked. */
export function Checkboxes(props: { form: FormState; name: string; legend: string; options: { value: string; label: string }[]; checked: string[] }) {
  const error = props.form.errors[props.name];
  const errorId = `f-${props.name}-error`;
  return (
    <fieldset aria-describedby={error ? errorId : undefined}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <div key={o.value}>
          <input type="checkbox" id={`f-${props.name}-${o.value}`} name={props.name} value={o.value} checked={props.checked.includes(o.value)} />{' '}
          <label for={`f-${props.name}-${o.value}`}>{o.label}</label>
        </div>
      ))}
      {error && <p class="field-error" id={errorId}>{error}</p>}
    </fieldset>
  );
}
