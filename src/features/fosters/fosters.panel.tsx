import { Fold } from '../../platform/http/views/fold.js';
import { Csrf, type PageContext } from '../../platform/http/views/layout.js';
import { emptyForm, Field, type FormState, Select, TextArea } from '../../platform/http/views/forms.js';
import type { FosterPanelData } from './fosters.homes.js';
import { noteMaxLength } from './fosters.schema.js';

/** The dog's foster home now and, for those who manage fosters, the forms to assign or end a placement. */
export function FosterPanel(props: { ctx: PageContext; dogId: string; dogName: string; foster: FosterPanelData; canManage: boolean; today: string; form?: FormState; endForm?: FormState }) {
  const { ctx, foster, dogName } = props;
  const base = `${ctx.basePath}/hub/dogs/${props.dogId}/foster`;
  return (
    <section aria-labelledby="foster-heading">
      <h2 id="foster-heading">Foster home</h2>
      {foster.current
        ? <p>{dogName} is in foster with <strong>{foster.current.name}</strong> since <time datetime={foster.current.since}>{foster.current.since}</time>.</p>
        : <p>{dogName} is not in a foster home.</p>}
      {props.canManage && <p><a href={`${ctx.basePath}/hub/fosters`}>All foster homes</a></p>}
      {props.canManage && foster.current && (
        <form method="post" action={`${base}/end`} class="stack" aria-label="End the foster placement">
          <Csrf token={ctx.csrfToken} />
          <Field form={props.endForm ?? { values: { ended_on: props.today }, errors: {} }} name="ended_on" label="Placement ended on" type="date" />
          <div><button type="submit" class="secondary">End the placement with {foster.current.name}</button></div>
        </form>
      )}
      {props.canManage && !foster.current && (foster.homes.length === 0 ? <p>No active foster accounts yet: invite one from the staff page with the role foster.</p> : (
        <form method="post" action={base} class="stack" aria-label="Assign a foster home">
          <Csrf token={ctx.csrfToken} />
          <Select
            form={props.form ?? emptyForm}
            name="foster"
            label="Foster home"
            options={[{ value: '', label: 'Choose a foster' }, ...foster.homes.map((h) => ({ value: h.id, label: h.name }))]}
          />
          <Field form={props.form ?? { values: { started_on: props.today }, errors: {} }} name="started_on" label="Placement starts on" type="date" />
          <div><button type="submit">Assign foster</button></div>
        </form>
      ))}
    </section>
  );
}

/** The write-a-note form; `back` returns to the "My dogs" page instead of the dog's page. */
export function NoteForm(props: { ctx: PageContext; dogId: string; dogName: string; form?: FormState; back?: 'dog' | 'my-dogs' }) {
  const id = `note-${props.dogId}`;
  return (
    <Fold summary={`Write a note about ${props.dogName}`} open={props.form !== undefined}>
      <form method="post" action={`${props.ctx.basePath}/hub/dogs/${props.dogId}/notes`} class="stack" aria-labelledby={id}>
        <h3 id={id}>Add a note about {props.dogName}</h3>
        <Csrf token={props.ctx.csrfToken} />
        <input type="hidden" name="back" value={props.back ?? 'dog'} />
        <TextArea form={props.form ?? emptyForm} name="body" label="Note" rows={3} maxLength={noteMaxLength} hint="Plain text. It appears on the dog's timeline with your name." />
        <div><button type="submit">Add note</button></div>
      </form>
    </Fold>
  );
}
