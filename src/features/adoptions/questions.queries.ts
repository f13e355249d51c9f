import type { Kysely } from 'kysely';
import type { QuestionKind, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** The rescue's questions in form order (optionally only the active ones). */
export function selectQuestions(db: Db, activeOnly = false) {
  return db.selectFrom('application_questions').selectAll()
    .$if(activeOnly, (q) => q.where('active', '=', true))
    .orderBy('position').orderBy('created_at').orderBy('id').execute();
}

/** One question by id. */
export function selectQuestion(db: Db, id: string) {
  return db.selectFrom('application_questions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Inserts a question after the last one and returns its id. */
export async function insertQuestion(db: Db, q: { label: string; kind: QuestionKind; choices: string[]; required: boolean }): Promise<string> {
  const last = await db.selectFrom('application_questions').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
  const position = Number(last?.p ?? 0) + 1;
  const { id } = await db.insertInto('application_questions').values({ ...q, position }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Updates a question's columns; true when it existed. */
export async function updateQuestion(db: Db, id: string, set: Partial<{ label: string; kind: QuestionKind; choices: string[]; required: boolean; active: boolean; position: number }>) {
  const res = await db.updateTable('application_questions').set(set).where('id', '=', id).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}
