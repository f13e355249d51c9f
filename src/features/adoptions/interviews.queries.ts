import { sql, type Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/** An interview still scheduled, with who should hear of it; no applicant details. */
export interface ScheduledInterview {
  applicationId: string;
  dogId: string;
  dogName: string;
  interviewAt: Date;
  /** The member who last scheduled (or moved) it, if the account remains. */
  scheduledBy: string | null;
  /** The dog's staff contact, if any. */
  dogContactId: string | null;
}

/** Applications whose interview is scheduled within [from, until), by time. */
export async function interviewsBetween(db: Kysely<TenantSchema>, from: Date, until: Date): Promise<ScheduledInterview[]> {
  const rows = await db
    .selectFrom('applications as a')
    .innerJoin('dogs as d', 'd.id', 'a.dog_id')
    .select(['a.id', 'a.dog_id', 'd.name', 'a.interview_at', 'd.staff_contact_id'])
    // The latest move into interview_scheduled says who scheduled it (a reschedule is such a move too).
    .select((eb) => eb.selectFrom('application_events as e').select('e.actor_id').whereRef('e.application_id', '=', 'a.id')
      .where('e.kind', '=', 'status').where('e.to_status', '=', 'interview_scheduled')
      .orderBy('e.created_at', 'desc').orderBy(sql`e.id`, 'desc').limit(1).as('scheduled_by'))
    .where('a.status', '=', 'interview_scheduled')
    .where('a.interview_at', '>=', from)
    .where('a.interview_at', '<', until)
    .orderBy('a.interview_at')
    .execute();
  return rows.map((r) => ({ applicationId: r.id, dogId: r.dog_id, dogName: r.name, interviewAt: r.interview_at!, scheduledBy: r.scheduled_by, dogContactId: r.staff_contact_id }));
}
