/**
 * Seeds the bench:backup rescue fast enough for 10,000 dogs. The first `realDogs` dogs go through
 * Kona's own services (bench/web-seed.ts: dog, photo variants through sharp, status change). The
 * rest are bulk inserts in batches, copied from those real dogs: the dog row, one photo whose
 * original and six variants are the real dog's image bytes made distinct (a JPEG comment segment,
 * a WebP chunk) and written through the uploads store's own API, so the byte volume and the file
 * count stay what real photos give. Every dog then gets medical items (two vaccinations, a
 * treatment, a vet visit) and an application from its own encrypted applicant contact, with
 * encrypted answers, as the public form stores them.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { openRuntime } from '../src/apps/runtime.js';
import { encryptAnswers } from '../src/features/adoptions/adoptions.answers.js';
import { answerField } from '../src/features/adoptions/apply.schema.js';
import { answersOf } from '../src/features/adoptions/apply.service.js';
import { listQuestions } from '../src/features/adoptions/questions.service.js';
import { emailHash, phoneHash } from '../src/features/people/people.values.js';
import { photoStoreFor } from '../src/features/photos/photos.store.js';
import { loadConfig } from '../src/platform/config/config.js';
import type { KeyRing } from '../src/platform/crypto/keyring.js';
import type { TenantSchema } from '../src/platform/db/schema.js';
import { createLogger } from '../src/platform/logging/logger.js';
import type { BlobStore } from '../src/platform/storage/index.js';
import { seedBenchRescue } from './web-seed.js';

/** What was seeded, and how, for the bench's output. */
export interface BackupSeed {
  slug: string;
  dogs: number;
  viaServices: number;
  viaBulk: number;
  photos: number;
  medicalItems: number;
  applications: number;
  how: string;
}

const batch = 500;

/** The same image made distinct by `tag`: a JPEG comment segment after SOI, a WebP chunk at the end (RIFF size fixed). */
export function distinctImage(bytes: Buffer, tag: string): Buffer {
  const payload = Buffer.from(`kona-bench ${tag}`);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const head = Buffer.from([0xff, 0xfe, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([bytes.subarray(0, 2), head, payload, bytes.subarray(2)]);
  }
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') {
    const pad = payload.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0);
    const chunk = Buffer.alloc(8);
    chunk.write('KONA', 0, 'latin1');
    chunk.writeUInt32LE(payload.length, 4);
    const out = Buffer.concat([bytes, chunk, payload, pad]);
    out.writeUInt32LE(out.length - 8, 4);
    return out;
  }
  return Buffer.concat([bytes, payload]);
}

async function put(store: BlobStore, bytes: Buffer): Promise<string> {
  return (await store.putStream((async function* () { yield bytes; })(), { maxBytes: bytes.length + 1 })).sha256;
}

async function readBlob(store: BlobStore, key: string): Promise<Buffer> {
  const blob = await store.get(key);
  if (!blob) throw new Error(`bench seed: blob ${key} is missing`);
  const parts: Buffer[] = [];
  for await (const part of blob.stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Bulk dogs copied from the real ones, each with one photo of distinct bytes. */
async function bulkDogs(db: Kysely<TenantSchema>, store: BlobStore, from: number, count: number): Promise<number> {
  const templates = await db.selectFrom('dogs').selectAll().orderBy('created_at').execute();
  // The first real dog holds the camera-sized photo; the rest hold one 800×600 photo each.
  const photoRows = await db.selectFrom('dog_photos').selectAll().where('is_primary', '=', true).execute();
  const photoOf = new Map(photoRows.map((p) => [p.dog_id, p]));
  // A few dozen templates are enough for distinct bytes of the same sizes, and keep little in memory.
  const sources = templates.filter((t, i) => i > 0 || templates.length === 1).filter((t) => photoOf.has(t.id)).slice(0, 25);
  const bytesCache = new Map<string, Buffer>();
  const bytesOf = async (key: string) => bytesCache.get(key) ?? bytesCache.set(key, await readBlob(store, key)).get(key)!;
  let photos = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const dogs: Record<string, unknown>[] = [];
    const photoValues: Record<string, unknown>[] = [];
    // Puts overlap their fsyncs; one batch's files are written before its rows.
    const work = Array.from({ length: n }, async (_, k) => {
      const i = from + start + k;
      const t = sources[i % sources.length]!;
      const p = photoOf.get(t.id)!;
      const id = randomUUID();
      const tag = `dog ${i + 1}`;
      const variants: Record<string, string> = {};
      for (const [name, key] of Object.entries(p.variants)) variants[name] = await put(store, distinctImage(await bytesOf(key), `${tag} ${name}`));
      const sha256 = await put(store, distinctImage(await bytesOf(p.sha256), `${tag} original`));
      const { id: _id, microchip: _m, bonded_with: _b, foster_id: _f, ...rest } = t;
      dogs[k] = { ...rest, id, name: `Dog ${String(i + 1).padStart(2, '0')}`, public_description: `A friendly benchmark dog, number ${i + 1}. Loves walks, naps and people.\n\nHouse-trained and good on a lead.` };
      photoValues[k] = { dog_id: id, sha256, variants: JSON.stringify(variants), width: p.width, height: p.height, alt_text: p.alt_text, status: p.status, is_primary: true, position: 0, uploaded_by: p.uploaded_by, approved_by: p.approved_by };
    });
    await Promise.all(work);
    await db.insertInto('dogs').values(dogs as never).execute();
    await db.insertInto('dog_photos').values(photoValues as never).execute();
    photos += n;
  }
  return photos;
}

/** Two vaccinations, a treatment and a vet visit per dog, in four statements. */
async function medicalItems(db: Kysely<TenantSchema>): Promise<number> {
  await sql`insert into vaccinations (dog_id, type, label, given_on, due_on, given_by) select id, 'rabies', 'Nobivac', intake_date, intake_date + 365, 'Bench Vets' from dogs`.execute(db);
  await sql`insert into vaccinations (dog_id, type, given_on, due_on, given_by, notes) select id, 'dhpp', intake_date + 1, intake_date + 366, 'Bench Vets', 'Booster due next year.' from dogs`.execute(db);
  await sql`insert into treatments (dog_id, kind, name, dose, schedule, starts_on, next_due_on) select id, 'medication', 'Worming tablet', '1 tablet', 'every 3 months', intake_date, intake_date + 90 from dogs`.execute(db);
  await sql`insert into vet_visits (dog_id, clinic, visit_on, reason, outcome) select id, 'Bench Vets', intake_date + 2, 'Intake health check', 'Healthy; weight normal; teeth clean.' from dogs`.execute(db);
  const count = await db.selectFrom('dogs').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(count.n) * 4;
}

/** One application per dog, each from its own applicant contact, encrypted as the public form stores them. */
async function applications(db: Kysely<TenantSchema>, ring: KeyRing): Promise<number> {
  const questions = await listQuestions(db, true);
  const dogIds = (await db.selectFrom('dogs').select('id').orderBy('created_at').execute()).map((d) => d.id);
  for (let start = 0; start < dogIds.length; start += batch) {
    const contacts = [];
    const apps = [];
    for (const [k, dogId] of dogIds.slice(start, start + batch).entries()) {
      const i = start + k;
      const email = `applicant${i + 1}@bench.kona.local`;
      const phone = `07700 9${String(i).padStart(5, '0')}`;
      const contactId = randomUUID();
      contacts.push({
        id: contactId, roles: ['applicant' as const], name_enc: ring.encrypt(`Applicant ${i + 1}`), email_enc: ring.encrypt(email), email_hash: emailHash(ring, email),
        phone_enc: ring.encrypt(phone), phone_hash: phoneHash(ring, phone), address_enc: ring.encrypt(`${i + 1} Bench Street, Testtown`), notes_enc: null, organisation: '',
      });
      const values = Object.fromEntries(questions.map((q) => [answerField(q.id), q.kind === 'choice' ? q.choices[i % q.choices.length]! : q.kind === 'yes_no' ? 'yes' : `Answer ${i + 1}: a quiet home with daily walks.`]));
      apps.push({ dog_id: dogId, contact_id: contactId, idempotency_key: randomUUID(), answers_enc: encryptAnswers(ring, answersOf(questions, values)) });
    }
    await db.insertInto('contacts').values(contacts).execute();
    await db.insertInto('applications').values(apps).execute();
  }
  return dogIds.length;
}

/** Seeds `dogs` dogs into a fresh data directory (before Kona starts on it), the first `realDogs` through the services. */
export async function seedBackupRescue(env: NodeJS.ProcessEnv, dogs: number, realDogs: number): Promise<BackupSeed> {
  const viaServices = Math.min(dogs, Math.max(2, realDogs));
  const { slug } = await seedBenchRescue(env, viaServices);
  const rt = await openRuntime(loadConfig(env), createLogger('silent'));
  try {
    const db = (await rt.ctx.tenants.get(slug))!.db.kysely;
    const store = photoStoreFor(rt.ctx.config.uploadsDir, slug);
    const bulkPhotos = await bulkDogs(db, store, viaServices, dogs - viaServices);
    const medical = await medicalItems(db);
    const apps = await applications(db, rt.ctx.secrets.keyRing);
    return {
      slug, dogs, viaServices, viaBulk: dogs - viaServices, photos: viaServices + 1 + bulkPhotos, medicalItems: medical, applications: apps,
      how: `${viaServices} dogs through Kona's services (photos through sharp), ${dogs - viaServices} by batched inserts copied from them, each with a photo of distinct bytes (7 files) put through the uploads store; 4 medical items and 1 encrypted application per dog by batched inserts`,
    };
  } finally {
    await rt.close();
  }
}
