import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApplicationStatus, TenantSchema } from '../../platform/db/schema.js';
import { moveDogStatus } from '../dogs/dogs.public.js';
import { notify } from '../notifications/notifications.public.js';
import { upsertApplicantContact } from '../people/people.public.js';
import { encryptAnswers } from './adoptions.answers.js';
import { answersOf } from './apply.service.js';
import { answerField } from './apply.schema.js';
import { completeAdoption } from './decisions.complete.js';
import { nowOf, type DecisionDeps } from './decisions.mail.js';
import { insertApplication } from './apply.queries.js';
import { listQuestions, type Question } from './questions.service.js';

/** One made-up application: who, for which dog, and how far it has gone. */
interface DemoApplication {
  dogKey: string;
  applicant: { name: string; email: string; phone: string; address: string };
  path: ApplicationStatus[];
  daysAgo: number;
  reason?: string;
}

const demoApplications: DemoApplication[] = [
  { dogKey: 'juniper', applicant: { name: 'Sam Rivera (demo)', email: 'sam.rivera@demo.kona.local', phone: '07700 900201', address: '12 Orchard Road, Demotown' }, path: ['new'], daysAgo: 1 },
  { dogKey: 'marlowe', applicant: { name: 'Priya Shah (demo)', email: 'priya.shah@demo.kona.local', phone: '07700 900202', address: '3 Mill Street, Demotown' }, path: ['new', 'in_review'], daysAgo: 4 },
  { dogKey: 'tumble', applicant: { name: 'Tom Becker (demo)', email: 'tom.becker@demo.kona.local', phone: '07700 900203', address: '48 High Street, Demotown' }, path: ['new', 'in_review', 'interview_scheduled'], daysAgo: 6 },
  { dogKey: 'ziggy', applicant: { name: 'Alex Morgan (demo)', email: 'alex.morgan@demo.kona.local', phone: '07700 900204', address: '7 Riverside Close, Demotown' }, path: ['new', 'in_review', 'interview_scheduled', 'approved'], daysAgo: 14 },
  { dogKey: 'poppy', applicant: { name: 'Jordan Lee (demo)', email: 'jordan.lee@demo.kona.local', phone: '07700 900206', address: '21 Elm Grove, Demotown' }, path: ['new', 'in_review', 'approved', 'completed'], daysAgo: 40 },
  { dogKey: 'juniper', applicant: { name: 'Chris Doe (demo)', email: 'chris.doe@demo.kona.local', phone: '07700 900205', address: 'Flat 2, 9 Tower Block, Demotown' }, path: ['new', 'in_review', 'denied'], daysAgo: 9, reason: 'Juniper needs a home with a secure garden. (Demo reason.)' },
];

/** What each demo applicant writes, by the topic of the question it answers. */
type DemoTexts = Record<'pets' | 'children' | 'experience' | 'alone' | 'why', string>;

const demoTexts: DemoTexts[] = [
  { pets: 'A cat called Miso, who is nine and very calm.', children: 'No children at home; grandchildren (8 and 11) visit at weekends.', experience: 'Yes: we had a rescue greyhound for eleven years, our first dog.', alone: 'About three hours, twice a week; someone works from home otherwise.', why: 'We walk a lot and have a quiet house.' },
  { pets: 'No other pets.', children: 'No children.', experience: 'I grew up with two collies and have walked dogs for neighbours.', alone: 'Two hours at most; I work from home.', why: 'A calm, gentle dog would suit our slow mornings.' },
  { pets: 'Two rabbits, kept in a hutch outside.', children: 'Two children, aged 6 and 9.', experience: 'Our last dog, a spaniel, lived to fourteen.', alone: 'Four hours on school days.', why: 'The children want a playful dog to run with in the park.' },
  { pets: 'An older dog, a Labrador called Rolo, who loves company.', children: 'One child, aged 12.', experience: 'We have had dogs all our lives, mostly boxers.', alone: 'Rarely more than one hour.', why: 'Rolo is sociable and would love a friend.' },
  { pets: 'No other pets at the moment.', children: 'No children; a toddler niece visits sometimes.', experience: 'This would be my first dog; I have read a lot and booked training classes.', alone: 'About five hours on office days.', why: 'I have a small garden and lots of time at weekends.' },
];

// Matched on the wording of the default questions; anything else gets the free-text "why" answer.
const topics: [RegExp, keyof DemoTexts][] = [[/other pets/i, 'pets'], [/children/i, 'children'], [/dog before|experience/i, 'experience'], [/left alone|hours/i, 'alone']];

/** The demo applicant's answer to each question: text by the question's topic, a valid option otherwise. */
function demoValues(questions: Question[], i: number): Record<string, string> {
  const texts = demoTexts[i % demoTexts.length]!;
  const answer = (q: Question): string => {
    if (q.kind === 'yes_no') return 'yes';
    if (q.kind === 'choice') return q.choices[i % q.choices.length]!;
    return texts[topics.find(([re]) => re.test(q.label))?.[1] ?? 'why'];
  };
  return Object.fromEntries(questions.map((q) => [answerField(q.id), answer(q)]));
}

const dogName = async (db: Kysely<TenantSchema>, id: string) => (await db.selectFrom('dogs').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;

/**
 * The dog of an approved demo application goes to adoption pending, as approving does; a completed
 * one goes through the real completion (fee record, receipt, contract override) so the dog is adopted
 * with its adopter recorded.
 */
async function settleDemoDog(deps: DecisionDeps, applicationId: string, dogId: string, status: ApplicationStatus, adminId: string): Promise<void> {
  if (status !== 'approved' && status !== 'completed') return;
  const actor = { type: 'staff' as const, id: adminId };
  await moveDogStatus(deps.db, { id: dogId, status: 'available' }, { to: 'adoption_pending', reason: 'Adoption application approved.' }, actor);
  if (status !== 'completed') return;
  await completeAdoption(deps, applicationId, {
    expected: 'approved', feeCents: 15000, feeMethod: 'card_in_person', receiptNumber: `${nowOf(deps).getUTCFullYear()}-0001`,
    overrideReason: 'Demo: the contract was signed on paper at the handover.', partner: 'together', email: false, emailReceipt: true, emailOthers: false,
  }, actor);
}

/** Fills the demo rescue with applications at several stages (statuses set directly, with their events). */
export async function seedDemoApplications(deps: DecisionDeps, dogIds: (key: string) => string, adminId: string): Promise<number> {
  const { db, ring: keyRing } = deps;
  const questions = await listQuestions(db, true);
  for (const [i, a] of demoApplications.entries()) {
    const { contactId } = await upsertApplicantContact(db, keyRing, a.applicant);
    const id = await insertApplication(db, {
      dog_id: dogIds(a.dogKey), contact_id: contactId, idempotency_key: randomUUID(),
      answers_enc: encryptAnswers(keyRing, answersOf(questions, demoValues(questions, i))),
    });
    const created = new Date(Date.now() - a.daysAgo * 86_400_000);
    await db.updateTable('application_events').set({ created_at: created }).where('application_id', '=', id).execute();
    const final = a.path[a.path.length - 1]!;
    // Completing is the real command (settleDemoDog); until then the application is where it stood before.
    const steps = final === 'completed' ? a.path.slice(0, -1) : a.path;
    for (const [k, to] of steps.slice(1).entries()) {
      const at = new Date(created.getTime() + (k + 1) * 86_400_000);
      await db.insertInto('application_events').values({ application_id: id, kind: 'status', from_status: steps[k]!, to_status: to, actor_id: adminId, created_at: at }).execute();
    }
    const status = steps[steps.length - 1]!;
    await db.updateTable('applications').set({
      status, created_at: created, updated_at: new Date(),
      interview_at: status === 'interview_scheduled' ? new Date(Date.now() + 3 * 86_400_000) : null,
      decision_reason_enc: a.reason ? keyRing.encrypt(a.reason) : null,
    }).where('id', '=', id).execute();
    await settleDemoDog(deps, id, dogIds(a.dogKey), final, adminId);
    if (status === 'new') await notify(db, { kind: 'application.new', title: `New application for ${await dogName(db, dogIds(a.dogKey))}`, link: `/hub/applications/${id}`, recipients: { roles: ['admin', 'staff'] }, dedupeKey: `application.new:${id}` });
  }
  return demoApplications.length;
}
