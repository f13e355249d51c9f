import type { ApplicationStatus, DogStatus, FeeMethod } from '../../platform/db/schema.js';
import { liveContractOf, type LiveContract } from '../contracts/contracts.public.js';
import { bondedPartnerOf, dogStatusOf, formatCents } from '../dogs/dogs.public.js';
import { likelyDuplicates, readContact, type ContactDetails, type LikelyDuplicate } from '../people/people.public.js';
import { staffNamesByIds } from '../staff/staff.public.js';
import { decryptAnswers, type AnsweredQuestion } from './adoptions.answers.js';
import { suggestedReceiptNumber } from './decisions.fees.js';
import { nowOf, type DecisionDeps } from './decisions.mail.js';
import { selectCompletion, selectEvents, type ApplicationRow } from './decisions.queries.js';
import { getApplication } from './decisions.service.js';
import { allowedActions, type DecisionAction } from './decisions.transitions.js';
import { selectTemplates } from './templates.queries.js';

/** One entry of an application's history, decrypted, with the staff member's name. */
export interface ApplicationEvent {
  id: string;
  kind: 'status' | 'note' | 'email';
  from: ApplicationStatus | null;
  to: ApplicationStatus | null;
  /** The note, the decision reason or the email's subject. */
  text: string;
  byName?: string;
  at: Date;
}

/** Everything the application page shows. */
export interface ApplicationDetail {
  app: ApplicationRow;
  applicant: ContactDetails | undefined;
  duplicates: LikelyDuplicate[];
  answers: AnsweredQuestion[];
  reason: string;
  events: ApplicationEvent[];
  actions: DecisionAction[];
  /** The statuses whose email template is switched on (an action offers to email only then). */
  emailOn: Set<string>;
  /** The dog's bonded partner now: approving or completing asks what happens to it. */
  partner: { id: string; name: string; status: DogStatus } | undefined;
  /** The partner this application holds with its dog (approved "together"). */
  heldPartnerName: string | undefined;
  contract: LiveContract | undefined;
  /** The fee record and contract settlement of a completed application. */
  completion: Completion | undefined;
  /** What the completion form suggests: the dog's fee and the next receipt number. */
  suggested: { fee: string; receiptNumber: string };
}

/** A completed application's fee record, decrypted. */
export interface Completion {
  feeCents: number;
  method: FeeMethod;
  receiptNumber: string;
  signedContract: boolean;
  overrideReason: string;
  partnerName: string | null;
}

async function completionOf(deps: DecisionDeps, id: string): Promise<Completion | undefined> {
  const row = await selectCompletion(deps.db, id);
  if (!row) return undefined;
  return {
    feeCents: row.fee_cents, method: row.fee_method, receiptNumber: row.receipt_number, signedContract: row.contract_id !== null,
    overrideReason: row.contract_override_reason_enc ? deps.ring.decrypt(row.contract_override_reason_enc) : '', partnerName: row.partner_name,
  };
}

/** Reads one application for its page (404 when there is none), decrypting what staff may read. */
export async function applicationDetail(deps: DecisionDeps, id: string): Promise<ApplicationDetail> {
  const { db, ring } = deps;
  const app = await getApplication(db, id);
  const rows = await selectEvents(db, id);
  const names = await staffNamesByIds({ db, keyRing: ring }, [...new Set(rows.map((r) => r.actor_id).filter((a): a is string => !!a))]);
  const events = rows.map((r) => ({
    id: r.id, kind: r.kind, from: r.from_status, to: r.to_status, text: r.note_enc ? ring.decrypt(r.note_enc) : '',
    byName: r.actor_id ? names.get(r.actor_id) : undefined, at: r.created_at,
  }));
  const templates = await selectTemplates(db);
  const partner = await bondedPartnerOf(db, app.dog_id);
  const held = app.partner_dog_id ? (partner?.id === app.partner_dog_id ? partner : await dogStatusOf(db, app.partner_dog_id)) : undefined;
  return {
    app,
    applicant: await readContact(db, ring, app.contact_id),
    duplicates: await likelyDuplicates(db, ring, app.contact_id),
    answers: decryptAnswers(ring, app.answers_enc),
    reason: app.decision_reason_enc ? ring.decrypt(app.decision_reason_enc) : '',
    events,
    actions: allowedActions(app.status),
    emailOn: new Set(templates.filter((t) => t.enabled).map((t) => t.status)),
    partner,
    heldPartnerName: held?.name,
    contract: await liveContractOf(db, app.id),
    completion: app.status === 'completed' ? await completionOf(deps, app.id) : undefined,
    suggested: {
      fee: app.dog_fee_cents === null ? '' : formatCents(app.dog_fee_cents),
      receiptNumber: app.status === 'approved' ? await suggestedReceiptNumber(db, nowOf(deps)) : '',
    },
  };
}
