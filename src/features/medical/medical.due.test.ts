import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addDays, medicalDue, rescueToday } from './medical.due.js';

const dog = (name: string, status: 'intake' | 'adopted' = 'intake') => ({ name, size: 'medium' as const, intake_date: '2024-01-01', intake_type: 'stray' as const, status });

describe('addDays', () => {
  it('counts calendar days in UTC across months, leap days and years', () => {
    expect(addDays('2024-02-20', 14)).toBe('2024-03-05');
    expect(addDays('2023-12-25', 14)).toBe('2024-01-08');
    expect(addDays('2024-03-31', -1)).toBe('2024-03-30');
  });
});

describe.each(engines)('what is due on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const today = '2024-06-10';

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    const ids = await db.insertInto('dogs').values([dog('Ada'), dog('Bo'), dog('Gone', 'adopted')]).returning(['id', 'name']).execute();
    const [ada, bo, gone] = ['Ada', 'Bo', 'Gone'].map((n) => ids.find((d) => d.name === n)!.id);
    const vaccination = (dog_id: string, type: 'rabies' | 'dhpp', given_on: string, due_on: string | null) => ({ dog_id, type, given_on, due_on });
    await db.insertInto('vaccinations').values([
      vaccination(ada!, 'rabies', '2023-06-01', '2024-06-01'), // overdue
      vaccination(ada!, 'dhpp', '2023-06-01', '2024-06-24'), // last day of the window
      vaccination(bo!, 'rabies', '2023-06-01', '2024-06-25'), // later: left out
      vaccination(bo!, 'dhpp', '2023-06-01', '2024-06-01'), // replaced by the next dose below
      vaccination(bo!, 'dhpp', '2024-06-01', '2025-06-01'),
      vaccination(gone!, 'rabies', '2023-06-01', '2024-06-01'), // adopted: left out
    ]).execute();
    await db.insertInto('treatments').values([
      { dog_id: bo!, kind: 'medication', name: 'Apoquel', starts_on: '2024-05-01', next_due_on: today },
      { dog_id: ada!, kind: 'treatment', name: 'Wormer', starts_on: '2024-05-01', next_due_on: '2024-06-09' },
      { dog_id: gone!, kind: 'treatment', name: 'Flea', starts_on: '2024-05-01', next_due_on: today },
    ]).execute();
  });
  afterAll(() => t.close());

  it('splits overdue from the next 14 days and leaves out later items and dogs no longer in care', async () => {
    const due = await medicalDue(db, today);
    const brief = (items: typeof due.overdue) => items.map((i) => [i.dogName, i.kind, i.what, i.dueOn]);
    expect(brief(due.overdue)).toEqual([
      ['Ada', 'vaccination', 'Rabies', '2024-06-01'],
      ['Ada', 'treatment', 'Wormer', '2024-06-09'],
    ]);
    expect(brief(due.upcoming)).toEqual([
      ['Bo', 'medication', 'Apoquel', '2024-06-10'],
      ['Ada', 'vaccination', 'DHPP', '2024-06-24'],
    ]);
  });

  it('shows the due panel on the dashboard and the full list on its page', async () => {
    // The pages use the real today: everything above is long overdue by then, except later entries.
    const dash = await staff.get('/r/alpha/hub');
    expect(dash.body).toContain('Overdue and due in the next 14 days');
    expect(dash.body).toContain('Wormer');
    expect(dash.body).not.toContain('Flea');
    const page = await staff.get('/r/alpha/hub/medical/due');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`As of <time datetime="${rescueToday()}">`);
    expect(page.body).toContain('Apoquel');
  });
});
