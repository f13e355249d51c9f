import { sql, type Kysely } from 'kysely';
import type { Actor } from '../../platform/audit/audit.js';
import type { DogStatus, TenantSchema } from '../../platform/db/schema.js';
import { approvedPhotosJson, type PublicPhoto } from '../photos/photos.public.js';
import { adoptability } from './dogs.adoptability.js';
import { applyStatusChange } from './dog-actions.service.js';
import { ageBandBounds } from './dogs.values.js';
import { dogListed, dogShownPublicly } from './dogs.visibility.js';

type Db = Kysely<TenantSchema>;
type Dogs = TenantSchema['dogs'];

/** What the public listing may be narrowed by. */
export interface PublicDogFilter {
  size?: Dogs['size'];
  sex?: 'female' | 'male';
  ageBand?: 'puppy' | 'young' | 'adult' | 'senior';
  goodWithDogs?: boolean;
  goodWithCats?: boolean;
  goodWithChildren?: boolean;
}

/** An adoptable dog as the public may see it: public fields only, with its approved photos in order. */
export interface PublicDog {
  id: string;
  name: string;
  sex: 'male' | 'female' | 'unknown';
  size: Dogs['size'];
  breeds: string[];
  birthDate: string | null;
  birthDateEstimated: boolean;
  goodWithDogs: string;
  goodWithCats: string;
  goodWithChildren: string;
  energy: string | null;
  adoptionFeeCents: number | null;
  description: string;
  bondedWith: string | null;
  /** The bonded partner's name (shown even when the partner is not listed: the pair goes together). */
  bondedName: string | null;
  specialNeeds: string;
  /** The latest recorded weight, in kilograms. */
  weightKg: number | null;
  photos: PublicPhoto[];
  /** The primary photo, else the first approved one. */
  primary: PublicPhoto;
  /** When the dog's own record last changed (not its photos). */
  updatedAt: Date;
}

const publicColumns = [
  'id', 'name', 'sex', 'size', 'breeds', 'updated_at', 'birth_date_estimated', 'good_with_dogs', 'good_with_cats', 'good_with_children', 'energy',
  'adoption_fee_cents', 'public_description', 'bonded_with', 'status', 'on_hold', 'special_needs',
  sql<string | null>`to_char(birth_date, 'YYYY-MM-DD')`.as('birth_date'),
  sql<string | null>`(select b.name from dogs b where b.id = dogs.bonded_with)`.as('bonded_name'),
  sql<number | null>`(select w.kg::float8 from dog_weights w where w.dog_id = dogs.id order by w.weighed_on desc, w.recorded_at desc limit 1)`.as('weight_kg'),
] as const;

type CandidateRow = Awaited<ReturnType<typeof candidates>>[number];

/** A row as the public sees it; undefined without an approved photo (nothing public shows without one). */
function toPublicDog(r: CandidateRow): PublicDog | undefined {
  // Every public photo has alt text: the dog's name when none was written.
  const list = r.photos.map((p) => ({ ...p, alt: p.alt.trim() || `Photo of ${r.name}` }));
  if (list.length === 0) return undefined;
  return {
    id: r.id, name: r.name, sex: r.sex, size: r.size, breeds: r.breeds, birthDate: r.birth_date, birthDateEstimated: r.birth_date_estimated,
    goodWithDogs: r.good_with_dogs, goodWithCats: r.good_with_cats, goodWithChildren: r.good_with_children, energy: r.energy,
    adoptionFeeCents: r.adoption_fee_cents, description: r.public_description, bondedWith: r.bonded_with, bondedName: r.bonded_name,
    specialNeeds: r.special_needs, weightKg: r.weight_kg === null ? null : Number(r.weight_kg),
    photos: list, primary: list.find((p) => p.isPrimary) ?? list[0]!, updatedAt: r.updated_at,
  };
}

function withPhotos(rows: CandidateRow[]): PublicDog[] {
  const out: PublicDog[] = [];
  for (const r of rows) {
    const facts = { status: r.status, onHold: r.on_hold, publicDescription: r.public_description };
    const dog = toPublicDog(r);
    if (dog && adoptability(facts, { approvedPhotoCount: dog.photos.length }).adoptable) out.push(dog);
  }
  return out;
}

// Narrowed in SQL to listed dogs (or, for one dog's page, to dogs shown publicly); adoptability() has the final word.
function candidates(db: Db, f: PublicDogFilter, today: string, id?: string, shown: typeof dogShownPublicly = dogListed) {
  let q = db.selectFrom('dogs').select(publicColumns).select(approvedPhotosJson().as('photos')).where(shown);
  if (id) q = q.where('id', '=', id);
  if (f.size) q = q.where('size', '=', f.size);
  if (f.sex) q = q.where('sex', '=', f.sex);
  if (f.goodWithDogs) q = q.where('good_with_dogs', '=', 'yes');
  if (f.goodWithCats) q = q.where('good_with_cats', '=', 'yes');
  if (f.goodWithChildren) q = q.where('good_with_children', '=', 'yes');
  if (f.ageBand) {
    const b = ageBandBounds(f.ageBand, today);
    if (b.bornAfter) q = q.where(sql<string>`birth_date`, '>', b.bornAfter);
    if (b.bornOnOrBefore) q = q.where(sql<string>`birth_date`, '<=', b.bornOnOrBefore);
  }
  return q.orderBy(sql`lower(name)`).orderBy('id').execute();
}

/** The rescue's adoptable dogs matching the filter, by name. */
export async function listAdoptableDogs(db: Db, f: PublicDogFilter, today: string): Promise<PublicDog[]> {
  return withPhotos(await candidates(db, f, today));
}

/** One dog, only when it is adoptable (undefined otherwise, so a non-public dog never shows). */
export async function getAdoptableDog(db: Db, id: string, today: string): Promise<PublicDog | undefined> {
  return withPhotos(await candidates(db, {}, today, id))[0];
}

/**
 * What a dog's public URL shows: its page while listed; "adoption pending" or a happy ending after
 * it leaves the listing that way (shared links keep working); else "no longer listed", `gone` for
 * good once it left the rescue (adopted without a public page, transferred, died), `away` when it
 * may come back (on hold, back in intake or medical hold) or was never public.
 */
export type PublicDogPage =
  | { kind: 'listed' | 'pending' | 'adopted'; dog: PublicDog }
  | { kind: 'away' | 'gone' };

const goneStatuses: readonly DogStatus[] = ['adopted', 'transferred_out', 'deceased'];

/** What the public sees at one dog's URL (see PublicDogPage). */
export async function publicDogPage(db: Db, id: string, today: string): Promise<PublicDogPage> {
  const [row] = await candidates(db, {}, today, id, dogShownPublicly);
  const dog = row && toPublicDog(row);
  if (row && dog) {
    if (row.status === 'adoption_pending') return { kind: 'pending', dog };
    if (row.status === 'adopted') return { kind: 'adopted', dog };
    if (withPhotos([row]).length === 1) return { kind: 'listed', dog };
  }
  const status = row?.status ?? (await db.selectFrom('dogs').select('status').where('id', '=', id).executeTakeFirst())?.status;
  return { kind: status && goneStatuses.includes(status) ? 'gone' : 'away' };
}

/** A dog's name and status, for features that act on a dog (adoptions); undefined when there is none. */
export function dogStatusOf(db: Db, id: string): Promise<{ id: string; name: string; status: DogStatus } | undefined> {
  return db.selectFrom('dogs').select(['id', 'name', 'status']).where('id', '=', id).executeTakeFirst();
}

/** A dog's bonded partner (name and status), for features that act on a pair (adoptions); undefined when it has none. */
export async function bondedPartnerOf(db: Db, dogId: string): Promise<{ id: string; name: string; status: DogStatus } | undefined> {
  return db.selectFrom('dogs as d').innerJoin('dogs as p', 'p.id', 'd.bonded_with').select(['p.id', 'p.name', 'p.status'])
    .where('d.id', '=', dogId).whereRef('p.bonded_with', '=', 'd.id').executeTakeFirst();
}

/**
 * Moves a dog through the lifecycle inside the caller's transaction: the transition table decides,
 * the history records who, when and why, and a change since `dog.status` was read is refused (409).
 * It is how an adoption application sets adoption pending and adopted, which the plain form refuses.
 */
export function moveDogStatus(tx: Db, dog: { id: string; status: DogStatus }, change: { to: DogStatus; reason: string }, actor: Actor): Promise<void> {
  return applyStatusChange(tx, dog, change, actor);
}

/** Records who adopted a dog (the adopter's contact record). */
export async function recordDogAdopter(tx: Db, dogId: string, contactId: string): Promise<void> {
  await tx.updateTable('dogs').set({ adopter_contact_id: contactId, updated_at: new Date() }).where('id', '=', dogId).execute();
}

// What other features may use of this one, from the files that hold it.
export { applyStatusChange, changeDogStatus, endBondWithin, recordWeight } from './dog-actions.service.js';
export { type DetailForms, DogPage, type DogPageParts, type DogPanel, type DogPanelSlot, type DogPanelView } from './dog-page.js';
export { dogsDashboardCard } from './dogs.dashboard.js';
export { ageBandChoices, energyChoices, labelOf, sexChoices, sizeChoices, tristateChoices, valuesOf } from './dogs.fields.js';
export { applicationOnlyStatuses, isOpen, nextStatuses, statusLabel } from './dogs.lifecycle.js';
export { type DogRow } from './dogs.queries.js';
export { dogFormSchema, dogIdOf, pastDateSchema } from './dogs.schema.js';
export { closedStatusList, createDog, getDog, setDogMedicalFacts, setPublicDescription, weightHistory } from './dogs.service.js';
export { type TimelineEntry, type TimelineSource } from './dogs.timeline.js';
export { ageOn, ageText, formatCents, isIsoDate, isoToday, monthsBefore, parseMoney } from './dogs.values.js';
export { dogListed, dogShownPublicly, publicDogStatuses } from './dogs.visibility.js';
export { careOf, dogInScope, dogOutOfScope, type DogScope, dogScopeGuard, dogScopeOf, isDogInScope } from './dogs.scope.js';
export { type DefaultFees, type DefaultFeesBySize } from './dogs.fees.js';
