/**
 * What an open grant shows a vet: the dog (name, one photo, breed, sex, age, size), its medical
 * record read-only and its documents, the thread and the vet's own uploads. Nothing about people:
 * no foster, adopter, applicant or staff detail, no notes, not who recorded an entry.
 */
import type { Kysely } from 'kysely';
import type { RepeatUnit, TenantSchema, VaccinationType } from '../../platform/db/schema.js';
import type { AppContext } from '../../platform/http/context.js';
import { ageOn, ageText, getDog, labelOf, sexChoices, sizeChoices } from '../dogs/dogs.public.js';
import { medicalRecord, type DocumentRow } from '../medical/medical.public.js';
import { selectPhotos } from '../photos/photos.public.js';
import { nowOf, type OpenGrant } from './grants.js';
import { threadOf, type ThreadMessage } from './thread.js';
import { uploadsOf, type VetUploadRow } from './uploads.js';

type Db = Kysely<TenantSchema>;

/** The dog as a vet under a grant sees it. */
export interface VetDogFacts {
  name: string;
  sex: string;
  size: string;
  breeds: string;
  age: string;
  /** The photo's alt text when the dog has an approved photo (served by the grant's photo route). */
  photoAlt?: string;
}

/** A vaccination, treatment or visit as a vet reads it: the medical facts, no one's name or notes. */
export interface VetRecord {
  vaccinations: { id: string; type: VaccinationType; label: string; given_on: string; due_on: string | null }[];
  treatments: { id: string; kind: string; name: string; dose: string; schedule: string; repeat_every: number | null; repeat_unit: RepeatUnit | null; starts_on: string; ends_on: string | null; next_due_on: string | null }[];
  visits: { id: string; clinic: string; reason: string; outcome: string; visit_on: string }[];
  weights: { weighedOn: string; kg: number }[];
  documents: Pick<DocumentRow, 'id' | 'title' | 'content_type' | 'created_at'>[];
}

/** Everything the vet's grant page shows. */
export interface VetAccessView {
  grantId: string;
  rescueName: string;
  expiresAt: Date;
  dog: VetDogFacts;
  record: VetRecord;
  thread: ThreadMessage[];
  uploads: VetUploadRow[];
}

/** The dog's primary approved photo (else its first approved one), or undefined. */
export async function grantPhoto(db: Db, dogId: string) {
  const approved = (await selectPhotos(db, dogId)).filter((p) => p.status === 'approved');
  return approved.find((p) => p.is_primary) ?? approved[0];
}

// Picks the medical facts field by field, so a column added to the record later stays out until chosen.
function vetRecordOf(record: Awaited<ReturnType<typeof medicalRecord>>): VetRecord {
  return {
    vaccinations: record.vaccinations.map((v) => ({ id: v.id, type: v.type, label: v.label, given_on: v.given_on, due_on: v.due_on })),
    treatments: record.treatments.map((t) => ({ id: t.id, kind: t.kind, name: t.name, dose: t.dose, schedule: t.schedule, repeat_every: t.repeat_every, repeat_unit: t.repeat_unit, starts_on: t.starts_on, ends_on: t.ends_on, next_due_on: t.next_due_on })),
    visits: record.visits.map((v) => ({ id: v.id, clinic: v.clinic, reason: v.reason, outcome: v.outcome ?? '', visit_on: v.visit_on })),
    weights: record.weights.map((w) => ({ weighedOn: w.weighedOn, kg: Number(w.kg) })),
    documents: record.documents.map((d) => ({ id: d.id, title: d.title, content_type: d.content_type, created_at: d.created_at })),
  };
}

/** Reads the grant page's content from the rescue's database. */
export async function vetAccessView(ctx: AppContext, open: OpenGrant): Promise<VetAccessView> {
  const { grant, tenant } = open;
  const db = tenant.db.kysely;
  const dog = await getDog(db, grant.dog_id);
  const photo = await grantPhoto(db, grant.dog_id);
  const settings = await db.selectFrom('rescue_settings').select('name').executeTakeFirst();
  const today = new Date(nowOf(ctx)).toISOString().slice(0, 10);
  return {
    grantId: grant.id,
    rescueName: settings?.name || tenant.name,
    expiresAt: grant.expires_at!,
    dog: {
      name: dog.name, sex: labelOf(sexChoices, dog.sex), size: labelOf(sizeChoices, dog.size), breeds: dog.breeds.join(', ') || 'Not recorded',
      age: dog.birth_date ? `${ageText(ageOn(dog.birth_date, today))}${dog.birth_date_estimated ? ' (estimated)' : ''}` : 'Not known',
      ...(photo ? { photoAlt: photo.alt_text.trim() || `Photo of ${dog.name}` } : {}),
    },
    record: vetRecordOf(await medicalRecord(db, grant.dog_id)),
    thread: await threadOf(ctx, db, grant, () => settings?.name || tenant.name),
    uploads: await uploadsOf(db, grant.id),
  };
}
