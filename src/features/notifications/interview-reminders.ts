import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';
import { instantOfWallClock, wallClockIn } from '../../platform/locale/index.js';
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
const titleOf = (i: ScheduledInterview, timeZone: string) => `Interview tomorrow about adopting ${i.dogName}, at ${wallClockIn(i.interviewAt, timeZone).slice(11, 16)}${timeZone === 'UTC' ? ' UTC' : ''}`;

/** The instant a rescue's calendar day (YYYY-MM-DD) starts in its zone. */
function startOf(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return instantOfWallClock({ year, month, day: date, hour: 0, minute: 0 }, timeZone);
}

/**
 * Tells whoever scheduled each interview taking place tomorrow, and the dog's staff contact (or every
 * admin and staff member when neither is known), once per interview and day. `now` is the caller's
 * clock; "tomorrow" is the day after the rescue's today, midnight to midnight in its time zone.
 */
export async function sendInterviewReminders(db: Kysely<TenantSchema>, now: number): Promise<InterviewRun> {
  const timeZone = (await db.selectFrom('rescue_settings').select('time_zone').executeTakeFirst())?.time_zone ?? 'UTC';
  const tomorrow = addDays(rescueToday(new Date(now), timeZone), 1);
  const from = startOf(tomorrow, timeZone);
  const until = startOf(addDays(tomorrow, 1), timeZone);
  const interviews = await interviewsBetween(db, from, until);
  let notified = 0;
  for (const i of interviews) {
    const staffIds = [i.scheduledBy, i.dogContactId].filter((id): id is string => id !== null);
    notified += await notify(db, {
      kind: 'interview.tomorrow', title: titleOf(i, timeZone), link: `/hub/applications/${i.applicationId}`, dedupeKey: keyOf(i, tomorrow),
      recipients: staffIds.length ? { staffIds } : { roles: dogFallbackRoles },
    });
  }
  return { interviews: interviews.length, notified };
}
