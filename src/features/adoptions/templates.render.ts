import type { TenantSchema } from '../../platform/db/schema.js';
import { fillPlaceholders, type PlaceholderValues } from '../../platform/templates/placeholders.js';

/** The statuses a rescue has an email template for ('received' is sent when an application arrives). */
export type TemplateStatus = TenantSchema['adoption_email_templates']['status'];

/** Template statuses in the order the templates page lists them. */
export const templateStatuses: readonly TemplateStatus[] = ['received', 'in_review', 'interview_scheduled', 'approved', 'denied', 'withdrawn', 'closed', 'completed'];

const templateLabels: Record<TemplateStatus, string> = {
  received: 'Application received', in_review: 'In review', interview_scheduled: 'Interview scheduled', approved: 'Approved',
  denied: 'Denied', withdrawn: 'Withdrawn', closed: 'Closed (another applicant adopted the dog)', completed: 'Adoption completed', new: 'New',
};

/** A template's name as the pages show it ("Interview scheduled"). */
export function templateLabel(status: TemplateStatus): string {
  return templateLabels[status];
}

/** The placeholders a template may use, with what each becomes. */
export const placeholders = {
  applicant_name: 'The applicant\'s name',
  dog_name: 'The dog\'s name',
  rescue_name: 'Your rescue\'s name',
  interview_at: 'The interview date and time (interview emails)',
  reason: 'The reason given for the decision (denials)',
} as const;

/** What the placeholders stand for in one email. */
export type TemplateValues = PlaceholderValues<typeof placeholders>;

/** The subject and body of one email from a template; the subject stays on one line whatever the values hold. */
export function renderTemplate(template: { subject: string; body: string }, values: TemplateValues): { subject: string; text: string } {
  const oneLine = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.replace(/[\r\n]+/g, ' ')])) as TemplateValues;
  // Unknown placeholders stay as typed: templates are checked when saved, and an old one must still send.
  return { subject: fillPlaceholders(placeholders, template.subject, oneLine).trim(), text: fillPlaceholders(placeholders, template.body, values) };
}

const interviewFormats = new Map<string, Intl.DateTimeFormat>();
const interviewFormat = (timeZone: string) => {
  let f = interviewFormats.get(timeZone);
  if (!f) interviewFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' })));
  return f;
};

/**
 * An interview time as the applicant reads it ("Tuesday 1 December 2026 at 14:30"), in the rescue's
 * time zone: staff type it on the rescue's wall clock, so the email shows exactly what they typed.
 */
export function formatInterviewAt(at: Date | null, timeZone = 'UTC'): string {
  if (!at) return '';
  const parts = Object.fromEntries(interviewFormat(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
}

/** Example values for a template preview: a made-up applicant, the given dog and the rescue. */
export function sampleValues(dogName: string, rescueName: string): TemplateValues {
  return {
    applicant_name: 'Alex Example',
    dog_name: dogName,
    rescue_name: rescueName,
    interview_at: formatInterviewAt(new Date(Date.UTC(2030, 4, 14, 10, 30))),
    reason: 'We are looking for a home with a secure garden for this dog.',
  };
}
