import { applicationEventsOf, exportApplicationEvents, exportApplications, exportCompletions, type ExportedApplication, type ExportedApplicationEvent, type ExportedCompletion } from '../adoptions/adoptions.public.js';
import { exportContacts, type ExportedContact } from '../people/people.public.js';
import { exportStaff, type ExportedStaff } from '../staff/staff.public.js';
import type { ExportDataset } from './export.dataset.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** Every contact (adopters, applicants, fosters, vets), decrypted. */
export const peopleDataset: ExportDataset<ExportedContact> = {
  name: 'people',
  title: 'People',
  description: 'Contact records of adopters, applicants, fosters and vets: names, emails, phones, addresses and notes.',
  personal: true,
  load: ({ db, ring }, page) => exportContacts(db, ring, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'roles', value: (r) => r.roles },
    { header: 'name', value: (r) => r.name },
    { header: 'email', value: (r) => r.email },
    { header: 'phone', value: (r) => r.phone },
    { header: 'address', value: (r) => r.address },
    { header: 'organisation', value: (r) => r.organisation },
    { header: 'notes', value: (r) => r.notes },
    { header: 'created_at', value: (r) => iso(r.createdAt) },
    { header: 'updated_at', value: (r) => iso(r.updatedAt) },
  ],
};

/** Staff and foster accounts: who they are and what they may do, never how they sign in. */
export const staffDataset: ExportDataset<ExportedStaff> = {
  name: 'staff',
  title: 'Staff and foster accounts',
  description: 'Everyone who signs in to the hub (admins, staff, fosters, viewers): name, email, role, status and dates. No passwords.',
  personal: true,
  load: ({ db, ring }, page) => exportStaff(db, ring, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'name', value: (r) => r.name },
    { header: 'email', value: (r) => r.email },
    { header: 'role', value: (r) => r.role },
    { header: 'status', value: (r) => r.status },
    { header: 'created_at', value: (r) => iso(r.createdAt) },
    { header: 'password_changed_at', value: (r) => iso(r.passwordChangedAt) },
  ],
};

type ApplicationRow = ExportedApplication & { history: ExportedApplicationEvent[] };

// In CSV the answers are one cell, "question: answer" per line; JSON keeps them as a list.
const answersText = (r: ApplicationRow) => r.answers.map((a) => `${a.label}: ${a.answer}`).join('\n');

const eventJson = (e: ExportedApplicationEvent) => ({
  id: e.id, kind: e.kind, from_status: e.fromStatus, to_status: e.toStatus, text: e.text, actor_staff_id: e.actorId, created_at: iso(e.createdAt),
});

/** Every application with its answers and decision reason, decrypted; the JSON nests each one's history. */
export const applicationsDataset: ExportDataset<ApplicationRow> = {
  name: 'applications',
  title: 'Applications',
  description: "Adoption applications with the applicant's answers and the decision; applications.json also holds each one's history and notes.",
  personal: true,
  load: async ({ db, ring }, page) => {
    const applications = await exportApplications(db, ring, page);
    const history = await applicationEventsOf(db, ring, applications.map((a) => a.id));
    return applications.map((a) => ({ ...a, history: history.get(a.id) ?? [] }));
  },
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'dog_id', value: (r) => r.dogId },
    { header: 'dog_name', value: (r) => r.dogName },
    { header: 'contact_id', value: (r) => r.contactId },
    { header: 'status', value: (r) => r.status },
    { header: 'answers', value: answersText },
    { header: 'interview_at', value: (r) => iso(r.interviewAt) },
    { header: 'decision_reason', value: (r) => r.decisionReason },
    { header: 'created_at', value: (r) => iso(r.createdAt) },
    { header: 'updated_at', value: (r) => iso(r.updatedAt) },
    { header: 'completed_at', value: (r) => iso(r.completedAt) },
  ],
  json: (r) => ({
    id: r.id, dog_id: r.dogId, dog_name: r.dogName, contact_id: r.contactId, status: r.status,
    answers: r.answers.map((a) => ({ question: a.label, kind: a.kind, answer: a.answer })),
    interview_at: iso(r.interviewAt), decision_reason: r.decisionReason,
    created_at: iso(r.createdAt), updated_at: iso(r.updatedAt), completed_at: iso(r.completedAt),
    history: r.history.map(eventJson),
  }),
};

/** Every application's history as one table: status changes (decisions), notes and emails sent. */
export const applicationHistoryDataset: ExportDataset<ExportedApplicationEvent> = {
  name: 'application-history',
  title: 'Application history and notes',
  description: "Each application's status changes (decisions), staff notes and emails sent, with who and when.",
  personal: true,
  load: ({ db, ring }, page) => exportApplicationEvents(db, ring, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'application_id', value: (r) => r.applicationId },
    { header: 'kind', value: (r) => r.kind },
    { header: 'from_status', value: (r) => r.fromStatus },
    { header: 'to_status', value: (r) => r.toStatus },
    { header: 'text', value: (r) => r.text },
    { header: 'actor_staff_id', value: (r) => r.actorId },
    { header: 'created_at', value: (r) => iso(r.createdAt) },
  ],
};

/** Completed adoptions: the fee taken, its method and receipt number, and the signed contract or the override's reason. */
export const completionsDataset: ExportDataset<ExportedCompletion> = {
  name: 'adoption-completions',
  title: 'Completed adoptions and fees',
  description: 'One row per completed adoption: fee, payment method, receipt number, the signed contract or the reason it was overridden, and the bonded partner adopted together.',
  personal: true,
  load: ({ db, ring }, page) => exportCompletions(db, ring, page),
  columns: [
    { header: 'application_id', value: (r) => r.applicationId },
    { header: 'fee_cents', value: (r) => String(r.feeCents) },
    { header: 'fee_method', value: (r) => r.feeMethod },
    { header: 'receipt_number', value: (r) => r.receiptNumber },
    { header: 'contract_id', value: (r) => r.contractId },
    { header: 'contract_override_reason', value: (r) => r.contractOverrideReason },
    { header: 'partner_dog_id', value: (r) => r.partnerDogId },
    { header: 'completed_by_staff_id', value: (r) => r.completedBy },
    { header: 'completed_at', value: (r) => iso(r.completedAt) },
  ],
};
