import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { interviewsBetween, type ScheduledInterview } from '../adoptions/adoptions.public.js';
import { addDays, rescueToday } from '../medical/medical.public.js';
import { dogFallbackRoles, notify } from './notifications.notify.js';

/** What one run did: interviews tomorrow, and notifications created (0 on a repeat run). */
export interface InterviewRun {
  interviews: number;
  notified: number;
}

// The day is part of the key: an interview moved to another day is news again on the eve of that day.
const keyOf = (i: ScheduledInterview, day: string) => `interview-tomorrow:${i.applicationId}:${day}`;

// The dog's name and the time only: who applied is on the application page, for those who may see it.
const titleOf = (i: ScheduledInterview) => `Interview tomorrow about adopting ${i.dogName}, at ${i.interviewAt.toISOString().slice(11, 16)} UTC`;

/**
 * Tells whoever scheduled each interview taking place tomorrow, and the dog's staff contact (or every
 * admin and staff member when neither is known), once per interview and day. `now` is the caller's
 * clock; "tomorrow" is the rescue's day after today (UTC for now, like the medical reminders).
 */
export async function sendInterviewReminders(db: Kysely<TenantSchema>, now: number): Promise<InterviewRun> {
  const tomorrow = addDays(rescueToday(new Date(now)), 1);
  const from = new Date(`${tomorrow}T00:00:00Z`);
  const until = new Date(`${addDays(tomorrow, 1)}T00:00:00Z`);
  const interviews = await interviewsBetween(db, from, until);
  let notified = 0;
  for (const i of interviews) {
    const staffIds = [i.scheduledBy, i.dogContactId].filter((id): id is string => id !== null);
    notified += await notify(db, {
      kind: 'interview.tomorrow', title: titleOf(i), link: `/hub/applications/${i.applicationId}`, dedupeKey: keyOf(i, tomorrow),
      recipients: staffIds.length ? { staffIds } : { roles: dogFallbackRoles },
    });
  }
  return { interviews: interviews.length, notified };
}
