import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { decryptAnswers, type AnsweredQuestion } from './adoptions.answers.js';

type Db = Kysely<TenantSchema>;
/** A slice of rows: the export reads every table a page at a time, never whole. */
type Page = { limit: number; offset: number };

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

/** One event of an application's history: a status change (a decision), a staff note or an email sent. */
export interface ExportedApplicationEvent {
  id: string;
  applicationId: string;
  kind: 'status' | 'note' | 'email';
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  /** The note's text, the decision's note, or the email's subject; decrypted. */
  text: string | null;
  actorId: string | null;
  createdAt: Date;
}

/** One page of applications, oldest first, with their answers and decision reason decrypted. */
export async function exportApplications(db: Db, ring: KeyRing, page: Page): Promise<ExportedApplication[]> {
  const rows = await db
    .selectFrom('applications')
    .innerJoin('dogs', 'dogs.id', 'applications.dog_id')
    .selectAll('applications')
    .select('dogs.name as dog_name')
    .orderBy('applications.created_at')
    .orderBy('applications.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    id: r.id, dogId: r.dog_id, dogName: r.dog_name, contactId: r.contact_id, status: r.status, answers: decryptAnswers(ring, r.answers_enc),
    interviewAt: r.interview_at, decisionReason: r.decision_reason_enc === null ? null : ring.decrypt(r.decision_reason_enc),
    createdAt: r.created_at, updatedAt: r.updated_at, completedAt: r.completed_at,
  }));
}

function eventsQuery(db: Db) {
  return db
    .selectFrom('application_events')
    .select(['id', 'application_id', 'kind', 'from_status', 'to_status', 'note_enc', 'actor_id', 'created_at'])
    .orderBy('created_at')
    .orderBy('id');
}

function openEvent(ring: KeyRing, r: Awaited<ReturnType<ReturnType<typeof eventsQuery>['execute']>>[number]): ExportedApplicationEvent {
  return {
    id: r.id, applicationId: r.application_id, kind: r.kind, fromStatus: r.from_status, toStatus: r.to_status,
    text: r.note_enc === null ? null : ring.decrypt(r.note_enc), actorId: r.actor_id, createdAt: r.created_at,
  };
}

/** One page of every application's history (decisions, status changes, notes, emails), oldest first, decrypted. */
export async function exportApplicationEvents(db: Db, ring: KeyRing, page: Page): Promise<ExportedApplicationEvent[]> {
  const rows = await eventsQuery(db).limit(page.limit).offset(page.offset).execute();
  return rows.map((r) => openEvent(ring, r));
}

/** The history of the given applications, oldest first, by application id (for the nested JSON). */
export async function applicationEventsOf(db: Db, ring: KeyRing, applicationIds: readonly string[]): Promise<Map<string, ExportedApplicationEvent[]>> {
  const out = new Map<string, ExportedApplicationEvent[]>();
  if (applicationIds.length === 0) return out;
  for (const row of await eventsQuery(db).where('application_id', 'in', applicationIds).execute()) {
    const list = out.get(row.application_id) ?? [];
    list.push(openEvent(ring, row));
    out.set(row.application_id, list);
  }
  return out;
}

/** A completed adoption's fee record and how its contract was settled, decrypted for the export. */
export interface ExportedCompletion {
  applicationId: string;
  feeCents: number;
  feeMethod: string;
  receiptNumber: string;
  contractId: string | null;
  /** The staff override's reason when the adoption completed without a signed contract. */
  contractOverrideReason: string | null;
  partnerDogId: string | null;
  completedBy: string | null;
  completedAt: Date;
}

/** One page of completed adoptions (fee, method, receipt number, contract or override), oldest first. */
export async function exportCompletions(db: Db, ring: KeyRing, page: Page): Promise<ExportedCompletion[]> {
  const rows = await db
    .selectFrom('adoption_completions')
    .select(['application_id', 'fee_cents', 'fee_method', 'receipt_number', 'contract_id', 'contract_override_reason_enc', 'partner_dog_id', 'completed_by', 'completed_at'])
    .orderBy('completed_at')
    .orderBy('application_id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({
    applicationId: r.application_id, feeCents: r.fee_cents, feeMethod: r.fee_method, receiptNumber: r.receipt_number,
    contractId: r.contract_id, contractOverrideReason: r.contract_override_reason_enc === null ? null : ring.decrypt(r.contract_override_reason_enc),
    partnerDogId: r.partner_dog_id, completedBy: r.completed_by, completedAt: r.completed_at,
  }));
}
