/** SQL for AI drafts (the `ai_drafts` table, migration 0019). */
import type { Insertable, Kysely } from 'kysely';
import type { AiDraftStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** A draft row as stored (output still encrypted). */
export type DraftRow = Awaited<ReturnType<typeof selectDraft>> & object;

const columns = ['id', 'feature', 'subject_kind', 'subject_id', 'dog_id', 'input_digest', 'output_enc', 'model', 'backend', 'prompt_version', 'path', 'fallback_reason', 'latency_ms', 'status', 'created_by', 'created_at', 'decided_by', 'decided_at'] as const;

/** Stores a new draft; returns its id. */
export async function insertDraft(db: Db, row: Insertable<TenantSchema['ai_drafts']>): Promise<string> {
  const { id } = await db.insertInto('ai_drafts').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** One draft of a dog's (undefined when it is not that dog's). */
export function selectDraft(db: Db, dogId: string, id: string) {
  return db.selectFrom('ai_drafts').select(columns).where('id', '=', id).where('dog_id', '=', dogId).executeTakeFirst();
}

/** A dog's undecided drafts about the dog or its photos, newest first (never an application's: those hold an applicant's words). */
export function selectOpenDrafts(db: Db, dogId: string) {
  return db.selectFrom('ai_drafts').select(columns).where('dog_id', '=', dogId).where('subject_kind', 'in', ['dog', 'photo']).where('status', '=', 'draft').orderBy('created_at', 'desc').orderBy('id').limit(20).execute();
}

/** Decides a draft that is still undecided; false when someone decided it first. */
export async function decideDraft(db: Db, id: string, status: Exclude<AiDraftStatus, 'draft'>, by: string | null): Promise<boolean> {
  const res = await db.updateTable('ai_drafts').set({ status, decided_by: by, decided_at: new Date() }).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Puts a claimed draft back to undecided (its publishing was refused). */
export async function reopenDraft(db: Db, id: string): Promise<void> {
  await db.updateTable('ai_drafts').set({ status: 'draft', decided_by: null, decided_at: null }).where('id', '=', id).execute();
}

/** Approved photos of active dogs with no alt text and no draft of it yet: the batch job's work list. */
export function selectPhotosWantingAltText(db: Db, limit: number) {
  return db.selectFrom('dog_photos as p')
    .select(['p.id', 'p.dog_id'])
    .where('p.status', '=', 'approved')
    .where('p.alt_text', '=', '')
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('ai_drafts as d').select('d.id').where('d.feature', '=', 'alt-text').whereRef('d.subject_id', '=', 'p.id'))))
    .orderBy('p.created_at').limit(limit).execute();
}

/** The newest draft of one feature about one subject. */
export function selectLatestDraftOf(db: Db, feature: string, subjectId: string) {
  return db.selectFrom('ai_drafts').select(columns).where('feature', '=', feature).where('subject_id', '=', subjectId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}
