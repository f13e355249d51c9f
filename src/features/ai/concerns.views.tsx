import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { StoredConcern } from './concerns.service.js';

const base = (ctx: PageContext) => `${ctx.basePath}/hub/adoptions/concerns`;

/** The name and rules fields of the add and edit form. */
function ConcernFields({ form }: { form: FormState }) {
  const error = form.errors.rules;
  return (
    <>
      <Field form={form} name="label" label="Concern" required />
      <div>
        <label for="f-rules">Phrases that point to it, one per line</label>
        <p class="hint" id="f-rules-hint">Words are matched whole and in order, with up to three other words between them; <code>*</code> ends a word with any ending (<code>breed*</code>), <code>#</code> stands for a number (<code>alone # hours</code>). A phrase just after “not” or “never” does not count.</p>
        <textarea id="f-rules" name="rules" rows={8} aria-describedby={error ? 'f-rules-hint f-rules-error' : 'f-rules-hint'} aria-invalid={error ? 'true' : undefined}>{form.values.rules ?? ''}</textarea>
        {error && <p class="field-error" id="f-rules-error">{error}</p>}
      </div>
    </>
  );
}

function Row({ ctx, c }: { ctx: PageContext; c: StoredConcern }) {
  const url = `${base(ctx)}/${c.id}`;
  return (
    <tr>
      <th scope="row">{c.label}</th>
      <td>{c.rules.length === 0 ? 'None' : c.rules.join(' · ')}</td>
      <td>{c.active ? 'Used' : 'Not used'}</td>
      <td>
        <a href={`${url}/edit`} aria-label={`Edit “${c.label}”`}>Edit</a>{' '}
        <form method="post" action={`${url}/active`} class="inline">
          <Csrf token={ctx.csrfToken} />
          <input type="hidden" name="active" value={c.active ? 'no' : 'yes'} />
          <button type="submit" class="link" aria-label={`${c.active ? 'Stop using' : 'Use again'} “${c.label}”`}>{c.active ? 'Stop using' : 'Use again'}</button>
        </form>
      </td>
    </tr>
  );
}

/** The rescue's review concerns and a form to add one. */
export function ConcernsPage({ ctx, concerns, form, done }: { ctx: PageContext; concerns: StoredConcern[]; form: FormState; done?: boolean }) {
  return (
    <Layout ctx={ctx} title="Application review concerns">
      <h1>Application review concerns</h1>
      <p>What the application review points out, with the passage it found. The review is advisory: it never changes an application. It never flags race, ethnicity, religion, national origin, sex, gender identity, sexual orientation, disability, age, family or marital status, or pregnancy, and refuses a concern about any of them.</p>
      {done && <Notice>The concerns were saved.</Notice>}
      <TableWrap labelledBy="concerns-caption">
        <table>
          <caption id="concerns-caption">Concerns</caption>
          <thead><tr><th scope="col">Concern</th><th scope="col">Phrases</th><th scope="col">Used</th><th scope="col">Actions</th></tr></thead>
          <tbody>{concerns.map((c) => <Row key={c.id} ctx={ctx} c={c} />)}</tbody>
        </table>
      </TableWrap>
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">Add a concern</h2>
        <ErrorSummary form={form} />
        <form method="post" action={base(ctx)} class="stack" novalidate>
          <Csrf token={ctx.csrfToken} />
          <ConcernFields form={form} />
          <div><button type="submit">Add concern</button></div>
        </form>
      </section>
    </Layout>
  );
}

/** The edit form of one concern. */
export function ConcernEditPage({ ctx, id, form }: { ctx: PageContext; id: string; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Edit concern">
      <h1>Edit concern</h1>
      <ErrorSummary form={form} />
      <form method="post" action={`${base(ctx)}/${id}`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <ConcernFields form={form} />
        <div><button type="submit">Save</button> <a href={base(ctx)}>Cancel</a></div>
      </form>
    </Layout>
  );
}
