import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { documentFile, samplePdf, uploadDocument } from '../../src/features/medical/documents.testing.js';
import { multipartBody } from '../../src/features/photos/photos.testing.js';
import type { TenantSchema } from '../../src/platform/db/schema.js';
import { samplePhoto } from '../../src/platform/images/sample-images.testing.js';
import { csrfFrom, type Browser, type TestApp } from '../harness/app.js';

/** A dog with one of everything a dog's routes take an id of: a photo, a document, a repeating treatment due today. */
export interface ScopedDog {
  id: string;
  photoId: string;
  sha: string;
  documentId: string;
  treatmentId: string;
}

/** The values a dog's route parameters take for this dog (`:id`, `:photoId`, `:documentId`, `:entryId`, `:sha`). */
export function paramsOf(dog: ScopedDog): Record<string, string> {
  return { id: dog.id, photoId: dog.photoId, documentId: dog.documentId, entryId: dog.treatmentId, sha: dog.sha, variant: 'medium.jpg' };
}

/** Creates a dog through the hub as an admin would, with a photo (its bytes differ by name length), a PDF and a treatment due on `today`. */
export async function scopedDog(t: TestApp, admin: Browser, db: Kysely<TenantSchema>, slug: string, name: string, today: string): Promise<ScopedDog> {
  const base = `/r/${slug}/hub/dogs`;
  const created = await admin.post(base, { _csrf: await admin.csrf(base), name, sex: 'female', size: 'small', intake_date: '2024-03-01', intake_type: 'stray' });
  const id = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(created.headers.location ?? '')![1]!;
  const token = csrfFrom((await admin.get(`${base}/${id}`)).body);
  const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: 60 + name.length, height: 60 }) }]);
  const cookie = Object.entries(admin.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
  expect((await t.app.inject({ method: 'POST', url: `${base}/${id}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
  expect((await uploadDocument(t, admin, slug, id, documentFile(await samplePdf(`${name}'s vet report`), 'report.pdf'), { title: `${name} report` })).statusCode).toBe(303);
  const treatment = await admin.post(`${base}/${id}/treatments`, {
    _csrf: await admin.csrf(`${base}/${id}/medical`), kind: 'medication', name: 'Wormer', starts_on: '2024-03-01', next_due_on: today, repeat_every: '3', repeat_unit: 'month',
  });
  expect(treatment.statusCode).toBe(303);
  const photo = await db.selectFrom('dog_photos').select(['id', 'sha256']).where('dog_id', '=', id).executeTakeFirstOrThrow();
  const document = await db.selectFrom('medical_documents').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
  const row = await db.selectFrom('treatments').select('id').where('dog_id', '=', id).executeTakeFirstOrThrow();
  return { id, photoId: photo.id, sha: photo.sha256, documentId: document.id, treatmentId: row.id };
}

/** What a foster could have written on a dog: counted before and after, to show nothing changed. */
export async function writtenOn(db: Kysely<TenantSchema>, dogId: string): Promise<{ notes: number; weights: number; doses: number; photos: number }> {
  const count = async (table: 'dog_notes' | 'dog_weights' | 'treatment_doses' | 'dog_photos') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('dog_id', '=', dogId).executeTakeFirstOrThrow()).n);
  return { notes: await count('dog_notes'), weights: await count('dog_weights'), doses: await count('treatment_doses'), photos: await count('dog_photos') };
}
