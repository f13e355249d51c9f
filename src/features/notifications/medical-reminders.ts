import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { Database } from '../../platform/db/driver.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import type { JobRegistry } from '../../platform/jobs/index.js';
import { enqueueMail, rescueMailSender, type MailMessage } from '../../platform/mail/index.js';
import { medicalDue, rescueToday, type DueItem } from '../medical/medical.public.js';
import { notify, notifyDogContact } from './notifications.notify.js';
import { selectCurrentFosters, selectDogContacts } from './notifications.queries.js';

/** What the reminder run needs: the rescue's database, the jobs (to queue mail) and the key ring. */
export interface ReminderDeps {
  db: Database<TenantSchema>;
  jobs: JobRegistry;
  keyRing: KeyRing;
  /** The process's clock (ms since the epoch): "today" is its date in the rescue's time zone; the system clock when absent. */
  now?: () => number;
}

/** What one run did: staff notifications, foster notifications and foster mails created (all 0 on a repeat run). */
export interface ReminderRun {
  due: number;
  notified: number;
  fostersNotified: number;
  mailed: number;
}

const itemKey = (i: DueItem) => `medical-due:${i.kind}:${i.id}:${i.dueOn}`;

function wording(i: DueItem, today: string): string {
  return i.dueOn < today ? `${i.what} for ${i.dogName} is overdue (it was due on ${i.dueOn})` : `${i.what} for ${i.dogName} is due on ${i.dueOn}`;
}

function fosterMail(i: DueItem, today: string, to: string, fosterName: string, rescue: string): MailMessage {
  const overdue = i.dueOn < today;
  return {
    to,
    subject: `${i.dogName}: ${i.what} ${overdue ? 'is overdue' : `is due on ${i.dueOn}`}`,
    text: [
      `Hello ${fosterName},`,
      '',
      `${wording(i, today)}.`,
      `Please arrange it with ${rescue}, or let them know if it has already been done.`,
      '',
      `Thank you for caring for ${i.dogName}.`,
      rescue,
    ].join('\n'),
  };
}

/**
 * Notifies each due item's dog contact (or all admins and staff), and the dog's current foster in the
 * hub (`medical.due`) and by mail, once per item and due date: notifications carry a dedupe key and
 * mails an idempotency key, so a second run the same day, or a retry after a crash half-way, creates
 * nothing twice. A foster hears only of the dogs in their care, and the notice names only the dog.
 */
export async function sendMedicalReminders(deps: ReminderDeps, day?: string): Promise<ReminderRun> {
  const db = deps.db.kysely;
  const settings = await db.selectFrom('rescue_settings').select(['name', 'contact_email', 'time_zone']).executeTakeFirst();
  // The rescue's own date: at 06:00 UTC it is already evening in Auckland and still night in Hawaii.
  const today = day ?? rescueToday(new Date(deps.now?.() ?? Date.now()), settings?.time_zone);
  const { overdue, upcoming } = await medicalDue(db, today);
  const items = [...overdue, ...upcoming];
  const dogIds = [...new Set(items.map((i) => i.dogId))];
  const contacts = await selectDogContacts(db, dogIds);
  const fosters = await selectCurrentFosters(db, dogIds);
  const rescue = settings?.name ?? 'the rescue';
  const sender = rescueMailSender(rescue, settings?.contact_email || undefined);
  const run: ReminderRun = { due: items.length, notified: 0, fostersNotified: 0, mailed: 0 };
  for (const i of items) {
    run.notified += await notifyDogContact(db, { staffContactId: contacts.get(i.dogId) ?? null }, {
      kind: 'vaccination.due', title: wording(i, today), link: `/hub/dogs/${i.dogId}/medical`, dedupeKey: itemKey(i),
    });
    const foster = fosters.get(i.dogId);
    if (!foster) continue;
    // Its own key: a foster who is also the dog's staff contact gets both notices.
    run.fostersNotified += await notify(db, {
      kind: 'medical.due', title: wording(i, today), link: `/hub/dogs/${i.dogId}/medical`, dedupeKey: `${itemKey(i)}:care`, recipients: { staffIds: [foster.id] },
    });
    const message = { ...sender, ...fosterMail(i, today, deps.keyRing.decrypt(foster.email_enc), deps.keyRing.decrypt(foster.name_enc), rescue) };
    const { created } = await enqueueMail(deps.db, deps.jobs, deps.keyRing, message, { idempotencyKey: `${itemKey(i)}:foster:${foster.id}` });
    if (created) run.mailed += 1;
  }
  return run;
}
