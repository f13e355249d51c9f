import { exportApplications, type ExportedApplication } from '../adoptions/adoptions.public.js';
import { contractStatuses, type ContractStatus } from '../contracts/contracts.public.js';
import { exportContacts, type ExportedContact } from '../people/people.public.js';
import type { ExportDataset } from './export.dataset.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** Every contact (adopters, applicants, fosters, vets), decrypted. */
export const peopleDataset: ExportDataset<ExportedContact> = {
  name: 'people',
  title: 'People',
  description: 'Contact records of adopters, applicants, fosters and vets: names, emails, phones, addresses and notes.',
  personal: true,
  load: (db, ring) => exportContacts(db, ring),
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

type ApplicationRow = ExportedApplication & { contract?: ContractStatus };

// In CSV the answers are one cell, "question: answer" per line; JSON keeps them as a list.
const answersText = (r: ApplicationRow) => r.answers.map((a) => `${a.label}: ${a.answer}`).join('\n');

/** Every application with its answers, decision reason and contract status, decrypted. */
export const applicationsDataset: ExportDataset<ApplicationRow> = {
  name: 'applications',
  title: 'Applications',
  description: "Adoption applications with the applicant's answers, the decision and the contract's status.",
  personal: true,
  load: async (db, ring) => {
    const contracts = await contractStatuses(db);
    return (await exportApplications(db, ring)).map((a) => ({ ...a, contract: contracts.get(a.id) }));
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
    { header: 'contract_status', value: (r) => r.contract?.status ?? null },
    { header: 'contract_signed_at', value: (r) => iso(r.contract?.signedAt ?? null) },
    { header: 'contract_text_sha256', value: (r) => r.contract?.textSha256 ?? null },
    { header: 'created_at', value: (r) => iso(r.createdAt) },
    { header: 'updated_at', value: (r) => iso(r.updatedAt) },
    { header: 'completed_at', value: (r) => iso(r.completedAt) },
  ],
  json: (r) => ({
    id: r.id, dog_id: r.dogId, dog_name: r.dogName, contact_id: r.contactId, status: r.status,
    answers: r.answers.map((a) => ({ question: a.label, kind: a.kind, answer: a.answer })),
    interview_at: iso(r.interviewAt), decision_reason: r.decisionReason,
    contract: r.contract ? { status: r.contract.status, prepared_at: iso(r.contract.preparedAt), signed_at: iso(r.contract.signedAt), method: r.contract.method, text_sha256: r.contract.textSha256 } : null,
    created_at: iso(r.createdAt), updated_at: iso(r.updatedAt), completed_at: iso(r.completedAt),
  }),
};
