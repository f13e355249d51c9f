import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { decryptAnswers, type AnsweredQuestion } from './adoptions.answers.js';

/** An application decrypted for the rescue's data export. */
export interface ExportedApplication {
  id: string;
  dogId: string;
  dogName: string;
  contactId: string;
  status: ApplicationStatus;
  answers: AnsweredQuestion[];
  interviewAt: Date | null;
  decisionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** Every application, oldest first, with its answers and decision reason decrypted. */
export async function exportApplications(db: Kysely<TenantSchema>, ring: KeyRing): Promise<ExportedApplication[]> {
  const rows = await db
    .selectFrom('applications')
    .innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .selectAll('applications')
    .select('dogs.name as dog_name')
    .orderBy('applications.created_at')
    .orderBy('applications.id')
    .execute();
  return rows.map((r) => ({
    id: r.id, dogId: r.dog_id, dogName: r.dog_name, contactId: r.contact_id, status: r.status, answers: decryptAnswers(ring, r.answers_enc),
    interviewAt: r.interview_at, decisionReason: r.decision_reason_enc === null ? null : ring.decrypt(r.decision_reason_enc),
    createdAt: r.created_at, updatedAt: r.updated_at, completedAt: r.completed_at,
  }));
}
