import { Csrf, Layout, type PageContext } from '../../platform/http/views/layout.js';
import { ErrorSummary, Field, Notice, Select, type FormState } from '../../platform/http/views/forms.js';
import { TableWrap } from '../../platform/http/views/tables.js';
import type { Question } from './questions.service.js';
import { questionKindChoices } from './questions.schema.js';

const kindLabel = (k: string) => questionKindChoices.find((c) => c.value === k)?.label ?? k;

/** The fields of the add and edit form of a question. */
function QuestionFields({ form }: { form: FormState }) {
  const choicesError = form.errors.choices;
  return (
    <>
      <Field form={form} name="label" label="Question" required />
      <Select form={form} name="kind" label="Kind of answer" options={questionKindChoices} />
      <div>
        <label for="f-choices">Options (for a choice question, one per line)</label>
        <textarea id="f-choices" name="choices" rows={4} aria-invalid={choicesError ? 'true' : undefined} aria-describedby={choicesError ? 'f-choices-error' : undefined}>{form.values.choices ?? ''}</textarea>
        {choicesError && <p class="field-error" id="f-choices-error">{choicesError}</p>}
      </div>
      <div>
        <input type="checkbox" id="f-required" name="required" value="yes" checked={form.values.required === 'yes'} />{' '}
        <label for="f-required">An answer is required</label>
      </div>
    </>
  );
}

function SmallPost({ ctx, action, name, value, label }: { ctx: PageContext; action: string; name: string; value: string; label: string }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf token={ctx.csrfToken} />
      <input type="hidden" name={name} value={value} />
      <button type="submit" class="link">{label}</button>
    </form>
  );
}

function Row({ ctx, q, first, last }: { ctx: PageContext; q: Question; first: boolean; last: boolean }) {
  const base = `${ctx.basePath}/hub/adoptions/questions/${q.id}`;
  return (
    <tr>
      <th scope="row">{q.label}</th>
      <td>{kindLabel(q.kind)}{q.kind === 'choice' ? `: ${q.choices.join(' / ')}` : ''}</td>
      <td>{q.required ? 'Required' : 'Optional'}</td>
      <td>{q.active ? 'Asked' : 'Not asked'}</td>
      <td>
        <a href={`${base}/edit`} aria-label={`Edit “${q.label}”`}>Edit</a>{' '}
        {!first && <SmallPost ctx={ctx} action={`${base}/move`} name="direction" value="up" label="Move up" />}{' '}
        {!last && <SmallPost ctx={ctx} action={`${base}/move`} name="direction" value="down" label="Move down" />}{' '}
        <SmallPost ctx={ctx} action={`${base}/active`} name="active" value={q.active ? 'no' : 'yes'} label={q.active ? 'Stop asking' : 'Ask again'} />
      </td>
    </tr>
  );
}

/** The admin's page of application questions: the list in form order and a form to add one. */
export function QuestionsPage({ ctx, questions, form, done }: { ctx: PageContext; questions: Question[]; form: FormState; done?: string }) {
  return (
    <Layout ctx={ctx} title="Application questions">
      <h1>Application questions</h1>
      <p>Asked on the public application form after the applicant's name, email, phone and address, in this order.</p>
      {done && <Notice>The questions were saved.</Notice>}
      {questions.length === 0 ? <p>No questions yet.</p> : (
        <TableWrap labelledBy="questions-caption">
          <table>
            <caption id="questions-caption">Questions in form order</caption>
            <thead><tr><th scope="col">Question</th><th scope="col">Answer</th><th scope="col">Required</th><th scope="col">Asked</th><th scope="col">Actions</th></tr></thead>
            <tbody>{questions.map((q, i) => <Row key={q.id} ctx={ctx} q={q} first={i === 0} last={i === questions.length - 1} />)}</tbody>
          </table>
        </TableWrap>
      )}
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">Add a question</h2>
        <ErrorSummary form={form} />
        <form method="post" action={`${ctx.basePath}/hub/adoptions/questions`} class="stack" novalidate>
          <Csrf token={ctx.csrfToken} />
          <QuestionFields form={form} />
          <div><button type="submit">Add question</button></div>
        </form>
      </section>
    </Layout>
  );
}

/** The edit form of one question. */
export function QuestionEditPage({ ctx, id, form }: { ctx: PageContext; id: string; form: FormState }) {
  return (
    <Layout ctx={ctx} title="Edit question">
      <h1>Edit question</h1>
      <p>Applications already received keep the wording they were asked.</p>
      <ErrorSummary form={form} />
      <form method="post" action={`${ctx.basePath}/hub/adoptions/questions/${id}`} class="stack" novalidate>
        <Csrf token={ctx.csrfToken} />
        <QuestionFields form={form} />
        <div><button type="submit">Save</button> <a href={`${ctx.basePath}/hub/adoptions/questions`}>Cancel</a></div>
      </form>
    </Layout>
  );
}
