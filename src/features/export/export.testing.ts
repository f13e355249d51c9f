import type { TenantSchema } from '../../platform/db/schema.js';
import type { Kysely } from 'kysely';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { Browser, type TestApp } from '../../../test/harness/app.js';
import { addApplication, addAvailableDog, queuedMail } from '../adoptions/decisions.testing.js';
import { documentFile, samplePdf, uploadDocument } from '../medical/documents.testing.js';
import { photoStoreFor } from '../photos/photos.public.js';

/** Every entry of a zip by path, read back with yauzl, which checks each entry's CRC (tests only). */
export async function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStreamPromise(entry)
        .then((stream) => collect(stream))
        .then((data) => { files.set(entry.fileName, data); zip.readEntry(); })
        .catch(reject);
    });
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.readEntry();
  });
  return files;
}

/** What `buildFullRescue` made, for the test to find again in the export. */
export interface FullRescue {
  dogId: string;
  fosterId: string;
  applicationId: string;
  contractId: string;
  photo: { id: string; bytes: Buffer; alt: string };
  document: { id: string; bytes: Buffer };
  contractPdf: Buffer;
  /** The signing link's token: a credential that must never reach the export. */
  signingToken: string;
}

/**
 * A rescue with at least one of everything the export covers (tests only): a dog with history,
 * weights, medical entries and a document, a photo, a foster placement with a note, an application
 * with a decision and a note, and a contract prepared by staff and signed by the adopter over HTTP.
 */
export async function buildFullRescue(t: TestApp, slug: string, db: Kysely<TenantSchema>, people: { staff: Browser; fosterId: string }, applicant: { name: string; email: string; phone: string; address: string }): Promise<FullRescue> {
  const ring = t.rt.ctx.secrets.keyRing;
  const dogId = await addAvailableDog(db, 'Pepper');
  await db.insertInto('foster_assignments').values({ dog_id: dogId, foster_id: people.fosterId, started_on: '2024-04-01' }).execute();
  await db.insertInto('dog_notes').values({ dog_id: dogId, author_id: people.fosterId, body: 'Pepper slept through the night.' }).execute();
  await db.insertInto('dog_weights').values({ dog_id: dogId, kg: 12.5, weighed_on: '2024-04-02' }).execute();
  const treatment = await db.insertInto('treatments').values({ dog_id: dogId, kind: 'medication', name: 'Carprofen', starts_on: '2024-04-01' }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('treatment_doses').values({ treatment_id: treatment.id, dog_id: dogId, given_on: '2024-04-02', given_by: people.fosterId }).execute();

  const photoBytes = await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
  const stored = await photoStoreFor(t.rt.ctx.config.uploadsDir, slug).putStream(Readable.from([photoBytes]), { maxBytes: 1_000_000 });
  const photo = await db.insertInto('dog_photos').values({ dog_id: dogId, sha256: stored.sha256, variants: '{}', width: 24, height: 16, alt_text: 'Pepper on the sofa', status: 'approved', is_primary: true })
    .returning('id').executeTakeFirstOrThrow();

  const documentBytes = await samplePdf('Pepper: rabies certificate');
  const upload = await uploadDocument(t, people.staff, slug, dogId, documentFile(documentBytes, 'rabies.pdf', 'application/pdf'), { title: 'Rabies certificate' });
  if (upload.statusCode !== 303) throw new Error(`document upload answered ${upload.statusCode}`);
  const document = await db.selectFrom('medical_documents').select('id').where('dog_id', '=', dogId).executeTakeFirstOrThrow();

  const { id: applicationId } = await addApplication(db, ring, { dogId, ...applicant, answers: [['Why Pepper?', '=1+1, "she is calm"']] });
  await db.updateTable('applications').set({ status: 'approved', decision_reason_enc: ring.encrypt('Lovely home visit') }).where('id', '=', applicationId).execute();
  // What approving does to the dog; completing below (over HTTP) then adopts it with a fee record.
  await db.updateTable('dogs').set({ status: 'adoption_pending' }).where('id', '=', dogId).execute();
  await db.insertInto('application_events').values([
    { application_id: applicationId, kind: 'status', from_status: 'new', to_status: 'approved', note_enc: ring.encrypt('Lovely home visit'), actor_id: null },
    { application_id: applicationId, kind: 'note', note_enc: ring.encrypt('Called the vet reference: all good'), actor_id: null },
  ]).execute();

  const page = `/r/${slug}/hub/applications/${applicationId}/contract`;
  if ((await people.staff.submit(page, page, {})).statusCode !== 303) throw new Error('preparing the contract failed');
  const mail = (await queuedMail(db, ring)).find((m) => m.to === applicant.email && /contract/i.test(m.subject))!;
  const link = new URL(/https?:\/\/\S+\/contracts\/[A-Za-z0-9_-]{43}/.exec(mail.text)![0]).pathname;
  const adopter = new Browser(t.app);
  await adopter.submit(link, link, { typed_name: applicant.name, agree: 'yes', signature: '' });
  const contract = await db.selectFrom('adoption_contracts').select(['id', 'signed_at']).where('application_id', '=', applicationId).executeTakeFirstOrThrow();
  if (!contract.signed_at) throw new Error('the contract was not signed');
  const pdf = await people.staff.get(`${page}.pdf`);
  const app = `/r/${slug}/hub/applications/${applicationId}`;
  const completed = await people.staff.submit(app, `${app}/complete`, { expected: 'approved', fee: '150', fee_method: 'card_in_person', receipt_number: 'R-EXPORT-1' });
  if (completed.statusCode !== 303) throw new Error(`completing the adoption answered ${completed.statusCode}: ${/<p class="notice[^>]*>[^<]*|role="alert"[^>]*>[^<]*/.exec(completed.body)?.[0] ?? completed.body.slice(0, 300)}`);
  return {
    dogId, fosterId: people.fosterId, applicationId, contractId: contract.id, photo: { id: photo.id, bytes: photoBytes, alt: 'Pepper on the sofa' },
    document: { id: document.id, bytes: documentBytes }, contractPdf: pdf.rawPayload, signingToken: link.split('/').pop()!,
  };
}
