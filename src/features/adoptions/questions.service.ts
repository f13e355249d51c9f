import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { QuestionKind, TenantSchema } from '../../platform/db/schema.js';
import { notFound } from '../../platform/errors/errors.js';
import { selectQuestion, selectQuestions, insertQuestion, updateQuestion } from './questions.queries.js';
import type { QuestionForm } from './questions.schema.js';

type Db = Kysely<TenantSchema>;

/** One application question as the hub and the public form use it. */
export interface Question {
  id: string;
  position: number;
  label: string;
  kind: QuestionKind;
  choices: string[];
  required: boolean;
  active: boolean;
}

const toQuestion = (r: Awaited<ReturnType<typeof selectQuestions>>[number]): Question => ({
  id: r.id, position: r.position, label: r.label, kind: r.kind, choices: r.choices, required: r.required, active: r.active,
});

/** The questions in form order; `activeOnly` for what the public form asks. */
export async function listQuestions(db: Db, activeOnly = false): Promise<Question[]> {
  return (await selectQuestions(db, activeOnly)).map(toQuestion);
}

/** One question; a 404 when there is none. */
export async function getQuestion(db: Db, id: string): Promise<Question> {
  const row = await selectQuestion(db, id);
  if (!row) throw notFound('That question');
  return toQuestion(row);
}

/** Adds a question at the end of the form. */
export async function addQuestion(db: Db, form: QuestionForm, actor: Actor): Promise<string> {
  const id = await insertQuestion(db, form);
  await recordAudit(db, { actor, action: 'application_question.created', target: { type: 'application_question', id }, detail: { kind: form.kind } });
  return id;
}

/** Changes a question's wording, kind, options or whether it is required (old answers keep their snapshot). */
export async function editQuestion(db: Db, id: string, form: QuestionForm, actor: Actor): Promise<void> {
  if (!(await updateQuestion(db, id, form))) throw notFound('That question');
  await recordAudit(db, { actor, action: 'application_question.updated', target: { type: 'application_question', id }, detail: { kind: form.kind } });
}

/** Turns a question on or off (off: the public form stops asking it). */
export async function setQuestionActive(db: Db, id: string, active: boolean, actor: Actor): Promise<void> {
  if (!(await updateQuestion(db, id, { active }))) throw notFound('That question');
  await recordAudit(db, { actor, action: active ? 'application_question.activated' : 'application_question.deactivated', target: { type: 'application_question', id } });
}

/** Swaps a question with its neighbour above or below; positions are renumbered 1..n. */
export async function moveQuestion(db: Db, id: string, direction: 'up' | 'down', actor: Actor): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const list = await selectQuestions(tx);
    const i = list.findIndex((q) => q.id === id);
    if (i < 0) throw notFound('That question');
    const j = direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j]!, list[i]!];
    for (const [n, q] of list.entries()) if (q.position !== n + 1) await updateQuestion(tx, q.id, { position: n + 1 });
    await recordAudit(tx, { actor, action: 'application_question.moved', target: { type: 'application_question', id }, detail: { direction } });
  });
}
