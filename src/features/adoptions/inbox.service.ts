import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { likelyDuplicates, readContact } from '../people/people.public.js';
import type { InboxQuery } from './decisions.schema.js';
import { isApplicationStatus, openStatuses } from './decisions.transitions.js';
import { countInbox, selectDogsWithApplications, selectInboxPage, type InboxFilter } from './inbox.queries.js';

/** Applications per inbox page. */
export const applicationsPerPage = 50;

/** One row of the inbox as the page shows it (the applicant's name decrypted). */
export interface InboxRow {
  id: string;
  status: ApplicationStatus;
  applicantName: string;
  dogId: string;
  dogName: string;
  submittedAt: Date;
  interviewAt: Date | null;
  /** Another contact shares this applicant's email or phone under another name. */
  possibleDuplicate: boolean;
}

/** The inbox's filter for a query: open applications unless a status (or all) is chosen. */
export function inboxFilterOf(query: InboxQuery): InboxFilter {
  const f: InboxFilter = {};
  if (query.status === '' || query.status === 'open') f.statuses = openStatuses;
  else if (isApplicationStatus(query.status)) f.statuses = [query.status];
  if (query.dog) f.dogId = query.dog;
  return f;
}

/** One page of the inbox, with totals for paging and the dogs to filter by. */
export async function listInbox(db: Kysely<TenantSchema>, ring: KeyRing, query: InboxQuery) {
  const filter = inboxFilterOf(query);
  const total = await countInbox(db, filter);
  const pages = Math.max(1, Math.ceil(total / applicationsPerPage));
  const page = Math.min(query.page, pages);
  const rows = await selectInboxPage(db, filter, { limit: applicationsPerPage, offset: (page - 1) * applicationsPerPage });
  // One look-up per applicant, however many applications they sent.
  const people = new Map<string, { name: string; duplicate: boolean }>();
  for (const id of new Set(rows.map((r) => r.contact_id))) {
    const contact = await readContact(db, ring, id);
    people.set(id, { name: contact?.name ?? 'Unknown applicant', duplicate: (await likelyDuplicates(db, ring, id)).length > 0 });
  }
  const applications: InboxRow[] = rows.map((r) => ({
    id: r.id, status: r.status, applicantName: people.get(r.contact_id)!.name, dogId: r.dog_id, dogName: r.dog_name,
    submittedAt: r.created_at, interviewAt: r.interview_at, possibleDuplicate: people.get(r.contact_id)!.duplicate,
  }));
  return { applications, total, page, pages, dogs: await selectDogsWithApplications(db) };
}
