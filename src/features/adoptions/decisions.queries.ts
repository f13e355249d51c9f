import type { Insertable, Kysely } from 'kysely';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';

type Db = Kysely<TenantSchema>;

/** One application with its dog's name and status, as the detail page and the decisions read it. */
export function selectApplication(db: Db, id: string) {
  return db.selectFrom('applications').innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .select([
      'applications.id', 'applications.status', 'applications.dog_id', 'applications.contact_id', 'applications.answers_enc',
      'applications.interview_at', 'applications.decision_reason_enc', 'applications.created_at', 'applications.updated_at',
      'applications.completed_at', 'applications.partner_dog_id', 'dogs.name as dog_name', 'dogs.status as dog_status',
      'dogs.adoption_fee_cents as dog_fee_cents',
    ])
    .where('applications.id', '=', id).executeTakeFirst();
}

/** An application as {@link selectApplication} returns it. */
export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof selectApplication>>>;

/** Columns a status change may set besides the status. */
export interface StatusSet {
  interview_at?: Date | null;
  decision_reason_enc?: string | null;
  completed_at?: Date | null;
  partner_dog_id?: string | null;
}

/** Moves an application from one status to another; false when its status was no longer `from`. */
export async function updateApplicationStatus(db: Db, id: string, from: ApplicationStatus, to: ApplicationStatus, set: StatusSet = {}): Promise<boolean> {
  const res = await db.updateTable('applications').set({ ...set, status: to, updated_at: new Date() })
    .where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Appends an event to an application's history and returns its id. */
export async function insertEvent(db: Db, row: { application_id: string; kind: 'status' | 'note' | 'email'; from_status?: ApplicationStatus | null; to_status?: ApplicationStatus | null; note_enc?: string | null; actor_id: string | null }): Promise<string> {
  const { id } = await db.insertInto('application_events').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** An application's history, newest first. */
export function selectEvents(db: Db, applicationId: string) {
  return db.selectFrom('application_events').select(['id', 'kind', 'from_status', 'to_status', 'note_enc', 'actor_id', 'created_at'])
    .where('application_id', '=', applicationId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** The other applications for a dog that are still open (in any of `statuses`). */
export function selectOtherApplications(db: Db, dogId: string, exceptId: string, statuses: readonly ApplicationStatus[]) {
  return db.selectFrom('applications').select(['id', 'status', 'contact_id'])
    .where('dog_id', '=', dogId).where('id', '<>', exceptId).where('status', 'in', [...statuses])
    .orderBy('created_at').execute();
}

/**
 * Locks a dog's row until the transaction ends: decisions that hold or free a dog for one
 * application run one at a time per dog, so two approvals can never both see "none approved yet".
 */
export async function lockDog(db: Db, dogId: string): Promise<void> {
  await db.selectFrom('dogs').select('id').where('id', '=', dogId).forUpdate().execute();
}

/** Stores the fee record and contract settlement of a completed application. */
export async function insertCompletion(db: Db, row: Insertable<TenantSchema['adoption_completions']>): Promise<void> {
  await db.insertInto('adoption_completions').values(row).execute();
}

/** A completed application's fee record and contract settlement, if it has one (completions before 0017 have none). */
export function selectCompletion(db: Db, applicationId: string) {
  return db.selectFrom('adoption_completions').leftJoin('dogs', 'dogs.id', 'adoption_completions.partner_dog_id')
    .select(['fee_cents', 'fee_method', 'receipt_number', 'contract_id', 'contract_override_reason_enc', 'partner_dog_id', 'dogs.name as partner_name', 'completed_at'])
    .where('application_id', '=', applicationId).executeTakeFirst();
}
