import type { Kysely } from 'kysely';
import type { Actor } from '../../platform/audit/audit.js';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { KonaError } from '../../platform/errors/errors.js';
import { bondedPartnerOf, dogStatusOf, endBondWithin, moveDogStatus } from '../dogs/dogs.public.js';
import { lockDog, selectOtherApplications } from './decisions.queries.js';

// A bonded pair is adopted together or not at all as a pair: approving or completing an application
// for one dog asks what happens to the other. "together": the partner goes through the same
// application (adoption pending on approval, adopted on completion). "stays": the bond is ended
// (audited) and the partner stays listed on its own.

type Db = Kysely<TenantSchema>;

/** What staff chose for the bonded partner. */
export type PartnerChoice = 'together' | 'stays';

/** The application as the partner rules read it. */
interface PairApplication {
  id: string;
  dog_id: string;
  dog_name: string;
  partner_dog_id: string | null;
}

type Dog = { id: string; name: string; status: DogStatus };

const said = (status: DogStatus) => status.replace(/_/g, ' ');

/** Refuses when another application is approved for the partner itself. */
async function assertNoOtherHold(tx: Db, partner: Dog, app: PairApplication): Promise<void> {
  if ((await selectOtherApplications(tx, partner.id, app.id, ['approved'])).length === 0) return;
  throw new KonaError('KONA_ERR_CONFLICT', `${partner.name} (bonded with ${app.dog_name}) has an approved application of its own, so the pair cannot go to this applicant together. Deny or withdraw that one first, or choose "${partner.name} stays listed".`);
}

/** Moves an available partner to adoption pending for this application. */
async function holdPartner(tx: Db, partner: Dog, app: PairApplication, actor: Actor): Promise<Dog> {
  await assertNoOtherHold(tx, partner, app);
  await moveDogStatus(tx, partner, { to: 'adoption_pending', reason: `Held with ${app.dog_name}: the adoption application for the bonded pair was approved.` }, actor);
  return { ...partner, status: 'adoption_pending' };
}

/** Ends the pair's bond, saying why in the audit log of both dogs. */
function endBond(tx: Db, app: PairApplication, partner: Dog, when: 'approved' | 'adopted', actor: Actor) {
  const why = when === 'approved'
    ? `${partner.name} stays listed: the application for ${app.dog_name} was approved for ${app.dog_name} alone.`
    : `${partner.name} stays listed: ${app.dog_name} was adopted alone.`;
  return endBondWithin(tx, app.dog_id, why, actor);
}

/**
 * On approval: holds the dog's bonded partner with it ("together": the partner must be available
 * and not approved for anyone else) or ends the bond ("stays"). Returns the id of the partner now
 * held by this application, or null (no partner, or it stays listed).
 */
export async function partnerOnApproval(tx: Db, app: PairApplication, choice: PartnerChoice, actor: Actor): Promise<string | null> {
  const partner = await bondedPartnerOf(tx, app.dog_id);
  if (!partner) return null;
  if (choice === 'stays') {
    await endBond(tx, app, partner, 'approved', actor);
    return null;
  }
  await lockDog(tx, partner.id);
  if (partner.status !== 'available') {
    throw new KonaError('KONA_ERR_CONFLICT', `${partner.name} (bonded with ${app.dog_name}) is ${said(partner.status)}, not available, so the pair cannot be held together. Change ${partner.name}'s status first, or choose "${partner.name} stays listed".`, { fields: { partner: 'the partner cannot be held now' } });
  }
  await holdPartner(tx, partner, app, actor);
  return partner.id;
}

/**
 * When the approval ends without an adoption (denied, withdrawn) or the dog is adopted alone: the
 * partner this application held goes back to available, unless it has an approved application of its own.
 */
export async function releasePartner(tx: Db, app: PairApplication, why: string, actor: Actor): Promise<void> {
  if (!app.partner_dog_id) return;
  await lockDog(tx, app.partner_dog_id);
  const partner = await dogStatusOf(tx, app.partner_dog_id);
  if (partner?.status !== 'adoption_pending') return;
  if ((await selectOtherApplications(tx, partner.id, app.id, ['approved'])).length > 0) return;
  await moveDogStatus(tx, partner, { to: 'available', reason: why }, actor);
}

/**
 * On completion: adopts the bonded partner with the dog ("together": held by this application, or
 * still available) or ends the bond and frees a partner this application held ("stays"). Returns
 * the partner adopted, or undefined.
 */
export async function partnerOnCompletion(tx: Db, app: PairApplication, choice: PartnerChoice, actor: Actor): Promise<Dog | undefined> {
  const partner = await bondedPartnerOf(tx, app.dog_id);
  if (partner && choice === 'together') {
    await lockDog(tx, partner.id);
    const heldHere = partner.status === 'adoption_pending' && app.partner_dog_id === partner.id;
    if (!heldHere && partner.status !== 'available') {
      const why = partner.status === 'adoption_pending' ? 'held for another application' : said(partner.status);
      throw new KonaError('KONA_ERR_CONFLICT', `${partner.name} (bonded with ${app.dog_name}) is ${why}, so the pair cannot be adopted together now. Sort out ${partner.name}'s status first, or choose "${partner.name} stays listed".`, { fields: { partner: 'the partner cannot be adopted now' } });
    }
    const held = heldHere ? partner : await holdPartner(tx, partner, app, actor);
    await moveDogStatus(tx, held, { to: 'adopted', reason: `Adopted together with ${app.dog_name}.` }, actor);
    return partner;
  }
  if (partner) await endBond(tx, app, partner, 'adopted', actor);
  await releasePartner(tx, app, `${app.dog_name} was adopted alone: the bond was ended and this dog stays listed.`, actor);
  return undefined;
}
