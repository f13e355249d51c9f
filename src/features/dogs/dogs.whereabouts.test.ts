import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { loadMigrations, migrate, migrationsDir } from '../../platform/db/migrate.js';
import type { DogStatus, HistoryStatus, TenantSchema } from '../../platform/db/schema.js';

// The status 0013 retires: its rows exist only before that migration.
const inFoster = 'in_foster' as unknown as DogStatus;
const heldReason = 'Was "in foster" before the upgrade: check and release';

async function seed(db: Kysely<TenantSchema>) {
  const { id: foster } = await db.insertInto('staff').values({ email_enc: 'e', email_hash: 'h1', name_enc: 'n', role: 'foster', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
  const dog = async (name: string, status: DogStatus, o: { onHold?: string; placed?: 'open' | 'ended' | 'unmirrored'; history?: HistoryStatus[] } = {}) => {
    const { id } = await db.insertInto('dogs').values({
      name, size: 'small', intake_date: '2024-03-01', intake_type: 'stray', status, public_description: 'A good dog',
      on_hold: o.onHold !== undefined, hold_reason: o.onHold ?? '', foster_id: o.placed === 'open' ? foster : null,
    }).returning('id').executeTakeFirstOrThrow();
    if (o.placed) await db.insertInto('foster_assignments').values({ dog_id: id, foster_id: foster, started_on: '2024-03-02', ended_on: o.placed === 'ended' ? '2024-04-01' : null }).execute();
    const steps = o.history ?? ['intake'];
    for (const [i, to] of steps.entries()) {
      await db.insertInto('dog_status_history').values({ dog_id: id, from_status: i === 0 ? null : steps[i - 1]!, to_status: to, changed_at: new Date(Date.UTC(2024, 2, 1 + i)) }).execute();
    }
    return id;
  };
  return {
    foster,
    wasAvailable: await dog('Was available', inFoster, { placed: 'open', history: ['intake', 'available', inFoster as HistoryStatus] }),
    neverAvailable: await dog('Never available', inFoster, { placed: 'open', history: ['intake', inFoster as HistoryStatus] }),
    placementEnded: await dog('Placement ended', inFoster, { placed: 'ended', history: ['intake', 'medical_hold', inFoster as HistoryStatus] }),
    heldAlready: await dog('Held already', inFoster, { placed: 'open', onHold: 'Bit the postman', history: ['intake', 'available', inFoster as HistoryStatus] }),
    availableAtRescue: await dog('Available at the rescue', 'available', { history: ['intake', 'available'] }),
    unmirrored: await dog('Unmirrored', 'intake', { placed: 'unmirrored' }),
  };
}

describe.each(engines)('migration 0013 (where a dog is, apart from its status) on %s', (engine) => {
  it('turns every "in foster" dog available, on hold unless it was available right before, records why, and sets where it is from the placement', async () => {
    const database = await createTestDatabase<TenantSchema>(engine);
    try {
      const all = loadMigrations(migrationsDir('tenant'));
      const at = all.findIndex((m) => m.name === 'dog_whereabouts');
      expect(all[at]!.version).toBe(13);
      await migrate(database, all.slice(0, at));
      const db = database.kysely;
      const dogs = await seed(db);

      await migrate(database, all);
      const row = (id: string) => db.selectFrom('dogs').select(['status', 'on_hold', 'hold_reason', 'whereabouts', 'foster_id']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(await row(dogs.wasAvailable)).toEqual({ status: 'available', on_hold: false, hold_reason: '', whereabouts: 'foster', foster_id: dogs.foster });
      expect(await row(dogs.neverAvailable)).toEqual({ status: 'available', on_hold: true, hold_reason: heldReason, whereabouts: 'foster', foster_id: dogs.foster });
      expect(await row(dogs.placementEnded)).toEqual({ status: 'available', on_hold: true, hold_reason: heldReason, whereabouts: 'rescue', foster_id: null });
      expect(await row(dogs.heldAlready)).toEqual({ status: 'available', on_hold: true, hold_reason: 'Bit the postman', whereabouts: 'foster', foster_id: dogs.foster });
      expect(await row(dogs.availableAtRescue)).toEqual({ status: 'available', on_hold: false, hold_reason: '', whereabouts: 'rescue', foster_id: null });
      // The open placement is the source of truth: a dog whose foster_id had not followed it gets it.
      expect(await row(dogs.unmirrored)).toEqual({ status: 'intake', on_hold: false, hold_reason: '', whereabouts: 'foster', foster_id: dogs.foster });

      const upgrades = await db.selectFrom('dog_status_history').innerJoin('dogs', 'dogs.id', 'dog_status_history.dog_id')
        .select(['dogs.name', 'from_status', 'to_status', 'reason', 'changed_by']).where('reason', 'like', 'Upgrade:%').orderBy('dogs.name').execute();
      expect(upgrades.map((u) => [u.name, u.from_status, u.to_status, u.changed_by])).toEqual([
        ['Held already', 'in_foster', 'available', null],
        ['Never available', 'in_foster', 'available', null],
        ['Placement ended', 'in_foster', 'available', null],
        ['Was available', 'in_foster', 'available', null],
      ]);
      expect(upgrades.find((u) => u.name === 'Never available')!.reason).toContain('put on hold until staff check and release it');
      expect(upgrades.find((u) => u.name === 'Was available')!.reason).toContain('it was available before, so it is again');

      // From now on "in foster" is no status, and "with a foster" goes only with a foster.
      await expect(db.updateTable('dogs').set({ status: inFoster }).where('id', '=', dogs.availableAtRescue).execute()).rejects.toMatchObject({ code: '23514' });
      await expect(db.updateTable('dogs').set({ whereabouts: 'foster' }).where('id', '=', dogs.availableAtRescue).execute()).rejects.toMatchObject({ code: '23514' });
      await expect(db.updateTable('dogs').set({ whereabouts: 'vet' }).where('id', '=', dogs.wasAvailable).execute()).rejects.toMatchObject({ code: '23514' });
      await db.updateTable('dogs').set({ whereabouts: 'boarding' }).where('id', '=', dogs.availableAtRescue).execute();
    } finally {
      await database.close();
    }
  });
});
