import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ApplicationStatus, QuestionKind, TenantSchema } from '../../platform/db/schema.js';
import { readContact } from '../people/people.public.js';

type Db = Kysely<TenantSchema>;

/** One answer as stored (encrypted) with an application; the label is a snapshot of the question. */
export interface AnsweredQuestion {
  questionId: string;
  label: string;
  kind: QuestionKind;
  answer: string;
}

/** The dog and the applicant of one application (for contracts and letters). */
export interface ApplicationParties {
  applicationId: string;
  status: ApplicationStatus;
  dog: { id: string; name: string; sex: 'male' | 'female' | 'unknown'; breed: string; microchip: string | null; adoptionFeeCents: number | null };
  applicant: { contactId: string; name: string; email: string; phone: string; address: string };
}

/** Decrypts an application's answers. */
export function decryptAnswers(ring: KeyRing, answersEnc: string): AnsweredQuestion[] {
  return JSON.parse(ring.decrypt(answersEnc)) as AnsweredQuestion[];
}

/** Encrypts an application's answers for storage. */
export function encryptAnswers(ring: KeyRing, answers: AnsweredQuestion[]): string {
  return ring.encrypt(JSON.stringify(answers));
}

/** The dog and applicant of an application, or undefined when there is no such application. */
export async function applicationParties(db: Db, ring: KeyRing, applicationId: string): Promise<ApplicationParties | undefined> {
  const row = await db.selectFrom('applications').innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .select(['applications.id', 'applications.status', 'applications.contact_id', 'dogs.id as dog_id', 'dogs.name', 'dogs.sex', 'dogs.breeds', 'dogs.microchip', 'dogs.adoption_fee_cents'])
    .where('applications.id', '=', applicationId).executeTakeFirst();
  if (!row) return undefined;
  const c = await readContact(db, ring, row.contact_id);
  if (!c) return undefined;
  return {
    applicationId: row.id, status: row.status,
    dog: { id: row.dog_id, name: row.name, sex: row.sex, breed: row.breeds.join(', '), microchip: row.microchip, adoptionFeeCents: row.adoption_fee_cents },
    applicant: { contactId: c.id, name: c.name, email: c.email, phone: c.phone, address: c.address },
  };
}

/** One of a contact's applications, with its decrypted answers (for the hub's contact page). */
export interface ContactApplication {
  id: string;
  dogId: string;
  dogName: string;
  status: ApplicationStatus;
  createdAt: Date;
  answers: AnsweredQuestion[];
}

/** A contact's applications, newest first. */
export async function applicationsOfContact(db: Db, ring: KeyRing, contactId: string): Promise<ContactApplication[]> {
  const rows = await db.selectFrom('applications').innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .select(['applications.id', 'applications.dog_id', 'dogs.name', 'applications.status', 'applications.created_at', 'applications.answers_enc'])
    .where('applications.contact_id', '=', contactId).orderBy('applications.created_at', 'desc').execute();
  return rows.map((r) => ({ id: r.id, dogId: r.dog_id, dogName: r.name, status: r.status, createdAt: r.created_at, answers: decryptAnswers(ring, r.answers_enc) }));
}

/** How each application status reads to a person. */
export const applicationStatusLabels: Record<ApplicationStatus, string> = {
  new: 'New', in_review: 'In review', interview_scheduled: 'Interview scheduled', approved: 'Approved',
  denied: 'Denied', withdrawn: 'Withdrawn', closed: 'Closed (dog adopted by someone else)', completed: 'Adopted',
};

/** How many applications one dog has, by status label: counts only, nothing about an applicant. */
export async function applicationCountsOfDog(db: Db, dogId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('applications').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('dog_id', '=', dogId).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [applicationStatusLabels[r.status], Number(r.n)]));
}

/** An application's dog and its answers (decrypted), or undefined when there is no such application. */
export async function applicationAnswersOf(db: Db, ring: KeyRing, applicationId: string): Promise<{ dogId: string; status: ApplicationStatus; answers: AnsweredQuestion[] } | undefined> {
  const row = await db.selectFrom('applications').select(['dog_id', 'status', 'answers_enc']).where('id', '=', applicationId).executeTakeFirst();
  return row ? { dogId: row.dog_id, status: row.status, answers: decryptAnswers(ring, row.answers_enc) } : undefined;
}
