import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { assertManualStatus, assertTransition } from './dogs.lifecycle.js';
import { clearBondedPair, insertStatusHistory, insertWeight, selectDog, setBondedPair, updateDogStatus } from './dogs.queries.js';
import { getDog } from './dogs.service.js';

type Db = Kysely<TenantSchema>;

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

/**
 * The plain status change (the dog page's form): moves a dog to another status if the lifecycle
 * allows it, writing the history row and the audit entry. Adoption pending and adopted are refused
 * (400): only an adoption application sets them; so is leaving adoption pending (409): the approved
 * application holding the dog moves it on (see `applyStatusChange`).
 */
export async function changeDogStatus(db: Db, id: string, change: { to: DogStatus; reason: string }, actor: Actor): Promise<{ from: DogStatus; to: DogStatus }> {
  assertManualStatus(change.to);
  const dog = await getDog(db, id);
  assertManualStatus(change.to, dog.status);
  await db.transaction().execute((tx) => applyStatusChange(tx, dog, change, actor));
  return { from: dog.status, to: change.to };
}

/**
 * The status change itself, inside a transaction the caller holds (another feature's command, such
 * as assigning a foster, changes the status together with its own rows). `dog.status` is what the
 * caller read: the update refuses if it changed since.
 */
export async function applyStatusChange(tx: Db, dog: { id: string; status: DogStatus }, change: { to: DogStatus; reason: string }, actor: Actor): Promise<void> {
  const { id, status: from } = dog;
  assertTransition(from, change.to, change.reason);
  if (!(await updateDogStatus(tx, id, from, change.to))) {
    throw new KonaError('KONA_ERR_CONFLICT', 'Someone changed this dog\'s status a moment ago. Check the new status and try again.');
  }
  await insertStatusHistory(tx, { dog_id: id, from_status: from, to_status: change.to, reason: change.reason, changed_by: staffId(actor) });
  await recordAudit(tx, { actor, action: 'dog.status_changed', target: { type: 'dog', id }, detail: { from, to: change.to } });
}

/** Adds a weighing to a dog's weight history. */
export async function recordWeight(db: Db, id: string, weight: { kg: number; weighed_on: string }, actor: Actor): Promise<void> {
  await getDog(db, id);
  await db.transaction().execute(async (tx) => {
    await insertWeight(tx, { dog_id: id, kg: weight.kg, weighed_on: weight.weighed_on, recorded_by: staffId(actor) });
    await recordAudit(tx, { actor, action: 'dog.weight_recorded', target: { type: 'dog', id }, detail: { weighed_on: weight.weighed_on } });
  });
}

/** Links two dogs as a bonded pair: each record points at the other. */
export async function bondDogs(db: Db, id: string, partnerId: string, actor: Actor): Promise<void> {
  if (id === partnerId) throw new KonaError('KONA_ERR_VALIDATION', 'A dog cannot be bonded with itself.', { fields: { partner: 'must be another dog' } });
  const dog = await getDog(db, id);
  const partner = await selectDog(db, partnerId);
  if (!partner) throw new KonaError('KONA_ERR_VALIDATION', 'The dog to pair with does not exist.', { fields: { partner: 'is not a dog at this rescue' } });
  if (dog.bonded_with === partnerId && partner.bonded_with === id) return;
  for (const d of [dog, partner]) {
    if (d.bonded_with) throw new KonaError('KONA_ERR_CONFLICT', `${d.name} is already bonded with another dog. Unlink that pair first.`);
  }
  await db.transaction().execute(async (tx) => {
    if (!(await setBondedPair(tx, id, partnerId))) {
      throw new KonaError('KONA_ERR_CONFLICT', 'One of these dogs was paired with another dog a moment ago. Reload and check.');
    }
    await recordAudit(tx, { actor, action: 'dog.bonded', target: { type: 'dog', id }, detail: { with: partnerId } });
    await recordAudit(tx, { actor, action: 'dog.bonded', target: { type: 'dog', id: partnerId }, detail: { with: id } });
  });
}

/**
 * Ends a dog's bond inside the caller's transaction (an adoption that takes one dog of a pair alone),
 * auditing both records with why; returns the former partner's id, or null when there was no bond.
 */
export async function endBondWithin(tx: Db, dogId: string, why: string, actor: Actor): Promise<string | null> {
  const partnerId = (await selectDog(tx, dogId))?.bonded_with ?? null;
  if (!partnerId) return null;
  await clearBondedPair(tx, dogId, partnerId);
  await recordAudit(tx, { actor, action: 'dog.unbonded', target: { type: 'dog', id: dogId }, detail: { with: partnerId, reason: why } });
  await recordAudit(tx, { actor, action: 'dog.unbonded', target: { type: 'dog', id: partnerId }, detail: { with: dogId, reason: why } });
  return partnerId;
}

/** Unlinks a bonded pair: both records lose the link. */
export async function unbondDog(db: Db, id: string, actor: Actor): Promise<void> {
  const dog = await getDog(db, id);
  const partnerId = dog.bonded_with;
  if (!partnerId) throw new KonaError('KONA_ERR_CONFLICT', `${dog.name} is not bonded with another dog.`);
  await db.transaction().execute(async (tx) => {
    await clearBondedPair(tx, id, partnerId);
    await recordAudit(tx, { actor, action: 'dog.unbonded', target: { type: 'dog', id }, detail: { with: partnerId } });
    await recordAudit(tx, { actor, action: 'dog.unbonded', target: { type: 'dog', id: partnerId }, detail: { with: id } });
  });
}
