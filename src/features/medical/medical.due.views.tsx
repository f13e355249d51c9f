import { Layout, type PageContext } from '../../platform/http/views/layout.js';
import type { DashboardCard } from '../dashboard/dashboard.public.js';
import { careOf, dogScopeOf } from '../dogs/dogs.public.js';
import { rescueTodayOf } from '../../platform/http/rescue-time.js';
import { defaultRescueLocale, formatDay } from '../../platform/locale/index.js';
import { dueHorizonDays, medicalDue, type DueItem, type MedicalDue } from './medical.due.js';

const kindLabel: Record<DueItem['kind'], string> = { vaccination: 'Vaccination', treatment: 'Treatment', medication: 'Medication' };

/** A list of due items, each linked to its dog's medical page. */
export function DueItems({ basePath, items, empty, today }: { basePath: string; items: DueItem[]; empty: string; /** The rescue's day: its items say "due today". */ today?: string }) {
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <ul>
      {items.map((i) => (
        <li key={`${i.kind}-${i.id}`}>
          <time datetime={i.dueOn}>{i.dueOn}</time>: <a href={`${basePath}/hub/dogs/${i.dogId}/medical`}>{i.dogName}</a>, {kindLabel[i.kind].toLowerCase()} {i.what}{i.dueOn === today && <strong> (due today)</strong>}
        </li>
      ))}
    </ul>
  );
}

/** The dashboard's panel: what is overdue and what is due in the next days, the first few of each. */
export function DueCard({ basePath, due, horizonDays, today, limit = 10 }: { basePath: string; due: MedicalDue; horizonDays: number; today?: string; limit?: number }) {
  const more = due.overdue.length > limit || due.upcoming.length > limit;
  return (
    <li>
      <h2>Overdue and due in the next {horizonDays} days</h2>
      <h3>Overdue ({due.overdue.length})</h3>
      <DueItems basePath={basePath} items={due.overdue.slice(0, limit)} empty="Nothing is overdue." />
      <h3>Due soon ({due.upcoming.length})</h3>
      <DueItems basePath={basePath} items={due.upcoming.slice(0, limit)} today={today} empty={`Nothing is due in the next ${horizonDays} days.`} />
      <p><a href={`${basePath}/hub/medical/due`}>{more ? 'See everything that is due' : 'Open the due list'}</a></p>
    </li>
  );
}

/** The full list of overdue and soon-due vaccinations and treatments. */
export function DuePage({ ctx, due, today, horizonDays }: { ctx: PageContext; due: MedicalDue; today: string; horizonDays: number }) {
  const basePath = ctx.basePath ?? '';
  const locale = ctx.locale ?? defaultRescueLocale;
  return (
    <Layout ctx={ctx} title="Medical: due">
      <h1>Overdue and due in the next {horizonDays} days</h1>
      <p>As of <time datetime={today}>{formatDay(today, locale)}</time> ({locale.timeZone}). Dogs no longer in care are left out.</p>
      <section aria-labelledby="overdue-heading">
        <h2 id="overdue-heading">Overdue ({due.overdue.length})</h2>
        <DueItems basePath={basePath} items={due.overdue} empty="Nothing is overdue." />
      </section>
      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Due soon ({due.upcoming.length})</h2>
        <DueItems basePath={basePath} items={due.upcoming} today={today} empty={`Nothing is due in the next ${horizonDays} days.`} />
      </section>
    </Layout>
  );
}

/** The medical card as the dashboard shows it to members who may read medical records. */
export const medicalDueDashboardCard: DashboardCard = {
  permission: 'medical.view',
  render: async (request, basePath) => {
    const today = rescueTodayOf(request);
    return <DueCard basePath={basePath} due={await medicalDue(request.tenant.db.kysely, today, dueHorizonDays, careOf(dogScopeOf(request.actor)))} horizonDays={dueHorizonDays} today={today} />;
  },
};
