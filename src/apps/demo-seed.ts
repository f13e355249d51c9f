import sharp from 'sharp';
import type { Actor } from '../platform/audit/audit.js';
import type { DogStatus } from '../platform/db/schema.js';
import type { TenantHandle } from '../platform/tenancy/tenant-databases.js';
import { enqueueJob } from '../platform/jobs/index.js';
import { extractDocumentJob } from '../features/ai/ai.public.js';
import { reembedJob } from '../features/matching/matching.public.js';
import { bondDogs, changeDogStatus, recordWeight } from '../features/dogs/dog-actions.service.js';
import { dogFormSchema } from '../features/dogs/dogs.schema.js';
import { createDog } from '../features/dogs/dogs.service.js';
import { isoToday } from '../features/dogs/dogs.values.js';
import { assignFoster } from '../features/fosters/fosters.service.js';
import { addNote } from '../features/fosters/notes.service.js';
import { readNotification } from '../features/notifications/notifications.service.js';
import { addDays } from '../features/medical/medical.due.js';
import { vaccinationSchema, treatmentSchema, visitSchema } from '../features/medical/medical.schema.js';
import { addTreatment, addVaccination, addVisit } from '../features/medical/medical.service.js';
import { seedDemoDocument } from '../features/medical/documents.demo.js';
import { generatePassword } from '../features/operator/operator.service.js';
import { setPhotoAltText } from '../features/photos/photos.service.js';
import { photoStoreFor } from '../features/photos/photos.store.js';
import { storePhotoBuffer } from '../features/photos/photos.upload.js';
import { createStaff } from '../features/staff/staff.service.js';
import { seedDemoContacts } from '../features/people/people.demo.js';
import { seedDemoApplications } from '../features/adoptions/apply.demo.js';
import { seedDemoContract } from '../features/contracts/contracts.demo.js';
import type { Runtime } from './runtime.js';

/** One made-up dog of the demo rescue and where it stands. */
interface DemoDog {
  key: string;
  name: string;
  sex: 'female' | 'male';
  size: 'small' | 'medium' | 'large' | 'xl';
  years: number;
  months?: number;
  breeds: string;
  colour: string;
  energy: 'low' | 'medium' | 'high';
  dogs: 'yes' | 'no' | 'unknown';
  cats: 'yes' | 'no' | 'unknown';
  children: 'yes' | 'no' | 'unknown';
  fee?: string;
  /** Days before today the dog came in. */
  inDays: number;
  /** Where it ends up in the lifecycle. */
  status: DogStatus;
  /** Placed with the demo foster: where it is, whatever its status (Hazel is available while in foster). */
  fostered?: boolean;
  /** Somewhere else than the rescue's kennels, with the detail staff would write. */
  away?: { whereabouts: 'boarding' | 'vet'; location: string };
  photo: boolean;
  /** Background and paw colours of its generated picture. */
  palette: [string, string];
  about: string;
}

const demoNote = 'This is a demo dog: the name, the story and the picture are made up to show how Kona works.';

const demoDogs: DemoDog[] = [
  { key: 'biscuit', name: 'Biscuit', sex: 'female', size: 'medium', years: 3, breeds: 'Labrador mix', colour: 'Golden', energy: 'medium', dogs: 'yes', cats: 'unknown', children: 'yes', fee: '180', inDays: 60, status: 'available', photo: true, palette: ['#f6d7a7', '#a0642d'],
    about: 'Biscuit is a cheerful, steady girl who loves long sniffy walks and a soft blanket afterwards. She and her best friend Pepper are a bonded pair and would like to be adopted together.' },
  { key: 'pepper', name: 'Pepper', sex: 'male', size: 'small', years: 5, breeds: 'Terrier mix', colour: 'Salt and pepper', energy: 'medium', dogs: 'yes', cats: 'no', children: 'yes', fee: '150', inDays: 60, status: 'available', photo: true, palette: ['#cfd8dc', '#37474f'],
    about: 'Pepper is a little dog with big opinions, mostly about squirrels. He follows Biscuit everywhere and is happiest with her by his side.' },
  { key: 'juniper', name: 'Juniper', sex: 'female', size: 'large', years: 2, breeds: 'Shepherd mix', colour: 'Black and tan', energy: 'high', dogs: 'yes', cats: 'no', children: 'unknown', fee: '200', inDays: 45, status: 'available', photo: true, palette: ['#c8e6c9', '#2e7d32'],
    about: 'Juniper is a clever, bouncy young shepherd who would love an active family, a garden and someone to teach her new tricks every week.' },
  { key: 'marlowe', name: 'Marlowe', sex: 'male', size: 'xl', years: 6, breeds: 'Mastiff mix', colour: 'Fawn', energy: 'low', dogs: 'yes', cats: 'yes', children: 'yes', fee: '150', inDays: 90, status: 'available', photo: true, palette: ['#ffe0b2', '#8d5524'],
    about: 'Marlowe is a gentle giant who thinks he is a lap dog. He naps a lot, snores a little and greets everyone politely.' },
  { key: 'clementine', name: 'Clementine', sex: 'female', size: 'small', years: 10, breeds: 'Chihuahua mix', colour: 'Cream', energy: 'low', dogs: 'unknown', cats: 'yes', children: 'no', fee: '75', inDays: 30, status: 'available', photo: true, palette: ['#ffccbc', '#d84315'],
    about: 'Clementine is a dignified senior lady looking for a quiet home with a warm sofa. She likes short strolls and long cuddles.' },
  { key: 'tumble', name: 'Tumbleweed', sex: 'male', size: 'medium', years: 0, months: 8, breeds: 'Collie mix', colour: 'Black and white', energy: 'high', dogs: 'yes', cats: 'unknown', children: 'yes', fee: '220', inDays: 21, status: 'available', photo: true, palette: ['#bbdefb', '#1565c0'],
    about: 'Tumbleweed is a happy, wiggly puppy who is learning his manners. He will need puppy classes and plenty of play.' },
  { key: 'sprocket', name: 'Sprocket', sex: 'male', size: 'large', years: 4, breeds: 'Hound mix', colour: 'Red and white', energy: 'medium', dogs: 'yes', cats: 'no', children: 'yes', fee: '180', inDays: 75, status: 'available', photo: true, palette: ['#e1bee7', '#6a1b9a'],
    about: 'Sprocket has a wonderful nose and a wonderful voice. He is easy-going at home and loves a good game of find-the-treat.' },
  { key: 'noodle', name: 'Noodle', sex: 'female', size: 'small', years: 1, breeds: 'Dachshund mix', colour: 'Red', energy: 'medium', dogs: 'unknown', cats: 'unknown', children: 'unknown', inDays: 2, status: 'intake', photo: false, palette: ['#fff9c4', '#f9a825'],
    about: 'Noodle arrived this week and is settling in. More about her soon.' },
  { key: 'waffles', name: 'Waffles', sex: 'male', size: 'medium', years: 7, breeds: 'Spaniel mix', colour: 'Liver and white', energy: 'low', dogs: 'yes', cats: 'unknown', children: 'yes', inDays: 40, status: 'medical_hold', away: { whereabouts: 'vet', location: 'Demo Vet Clinic' }, photo: true, palette: ['#d7ccc8', '#5d4037'],
    about: 'Waffles is recovering from an ear infection and will be ready for a new home soon.' },
  { key: 'hazel', name: 'Hazel', sex: 'female', size: 'medium', years: 0, months: 4, breeds: 'Beagle mix', colour: 'Tricolour', energy: 'high', dogs: 'yes', cats: 'yes', children: 'unknown', inDays: 25, status: 'available', fostered: true, photo: true, palette: ['#b2dfdb', '#00695c'],
    about: 'Hazel is a curious puppy growing up in a foster home, where she is learning about stairs, cats and the vacuum cleaner.' },
  { key: 'ziggy', name: 'Ziggy', sex: 'male', size: 'large', years: 3, breeds: 'Boxer mix', colour: 'Brindle', energy: 'high', dogs: 'no', cats: 'no', children: 'yes', fee: '180', inDays: 50, status: 'adoption_pending', fostered: true, photo: true, palette: ['#f8bbd0', '#ad1457'],
    about: 'Ziggy is a goofy, affectionate boxer who has found his family: his adoption is being finalised.' },
  { key: 'poppy', name: 'Poppy', sex: 'female', size: 'small', years: 5, breeds: 'Poodle mix', colour: 'Apricot', energy: 'medium', dogs: 'yes', cats: 'yes', children: 'yes', fee: '150', inDays: 120, status: 'adopted', photo: true, palette: ['#ffecb3', '#ff8f00'],
    about: 'Poppy has been adopted and now lives happily with her new family.' },
];

// A paw print on a soft background, with a few light circles, placed differently for each dog.
function pawSvg(i: number, [bg, paw]: [string, string]): string {
  const w = 800;
  const h = 600;
  const cx = 300 + ((i * 97) % 200);
  const cy = 270 + ((i * 53) % 80);
  const tilt = ((i * 37) % 50) - 25;
  const bubbles = [0, 1, 2, 3, 4].map((k) => {
    const x = (i * 131 + k * 173) % w;
    const y = (i * 71 + k * 113) % h;
    const r = 30 + ((i + k * 7) % 5) * 14;
    return `<circle cx="${x}" cy="${y}" r="${r}" fill="#ffffff" fill-opacity="0.28"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<rect width="${w}" height="${h}" fill="${bg}"/>${bubbles}
<g transform="translate(${cx} ${cy}) rotate(${tilt})" fill="${paw}">
<ellipse cx="0" cy="70" rx="95" ry="80"/>
<ellipse cx="-110" cy="-40" rx="38" ry="50"/>
<ellipse cx="-45" cy="-105" rx="40" ry="54"/>
<ellipse cx="45" cy="-105" rx="40" ry="54"/>
<ellipse cx="110" cy="-40" rx="38" ry="50"/>
</g></svg>`;
}

/** The generated picture of a demo dog: an 800×600 JPEG. */
export function demoPhoto(i: number, palette: [string, string]): Promise<Buffer> {
  return sharp(Buffer.from(pawSvg(i, palette))).jpeg({ quality: 82 }).toBuffer();
}

/**
 * Fills the demo rescue with made-up dogs at every stage, their pictures, weights, medical records,
 * a foster home and its notes, all through the features' own services, as a person would.
 * Only ever called for the freshly created demo rescue, so real data is never mixed with it.
 */
export async function seedDemoRescue(rt: Runtime, handle: TenantHandle, adminId: string): Promise<{ dogs: number }> {
  const db = handle.db.kysely;
  const keyRing = rt.ctx.secrets.keyRing;
  const actor: Actor = { type: 'staff', id: adminId };
  const today = isoToday();
  const photoDeps = { db, store: photoStoreFor(rt.ctx.config.uploadsDir, handle.slug), maxBytes: rt.ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024 };
  const pictures = await Promise.all(demoDogs.map((d, i) => (d.photo ? demoPhoto(i, d.palette) : Promise.resolve(undefined))));

  const fosterId = await createStaff({ db, keyRing }, { email: 'foster@demo.kona.local', name: 'Fern Example (demo foster)', role: 'foster', password: generatePassword() }, actor);

  const ids = new Map<string, string>();
  for (const [i, d] of demoDogs.entries()) {
    const form = dogFormSchema.parse({
      name: d.name, sex: d.sex, size: d.size, age_years: String(d.years), age_months: String(d.months ?? 0), breeds: d.breeds, colour: d.colour,
      spay_neuter: d.years >= 1 ? 'yes' : 'scheduled', intake_date: addDays(today, -d.inDays), intake_type: 'stray', source: 'Demo data',
      whereabouts: d.away?.whereabouts ?? 'rescue', location: d.fostered ? '' : (d.away?.location ?? 'Demo kennels'), good_with_dogs: d.dogs, good_with_cats: d.cats, good_with_children: d.children,
      energy: d.energy, adoption_fee: d.fee ?? '', public_description: `${d.about} ${demoNote}`,
    });
    const id = await createDog(db, form, actor);
    ids.set(d.key, id);
    const picture = pictures[i];
    if (picture) {
      const stored = await storePhotoBuffer(photoDeps, id, picture, { actor, approved: true });
      await setPhotoAltText(db, id, stored.photoId, `Illustration for ${d.name}: a paw print on a coloured background (demo picture)`, actor);
    }
    await recordWeight(db, id, { kg: weightOf(d), weighed_on: addDays(today, -d.inDays) }, actor);
    if (d.inDays > 20) await recordWeight(db, id, { kg: Math.round(weightOf(d) * (d.years < 1 ? 1.3 : 1.04) * 10) / 10, weighed_on: addDays(today, -3) }, actor);
  }
  const id = (key: string) => ids.get(key)!;

  for (const d of demoDogs) {
    // Adoption pending and adopted come from the demo applications below, as they would in use.
    if (d.status === 'available' || d.status === 'adoption_pending' || d.status === 'adopted') await changeDogStatus(db, id(d.key), { to: 'available', reason: 'Vet checked and ready' }, actor);
  }
  await changeDogStatus(db, id('waffles'), { to: 'medical_hold', reason: 'Ear infection being treated' }, actor);
  const fosterDeps = { db, keyRing };
  await assignFoster(fosterDeps, id('hazel'), { foster: fosterId, started_on: addDays(today, -20) }, actor);
  await assignFoster(fosterDeps, id('ziggy'), { foster: fosterId, started_on: addDays(today, -40) }, actor);
  await bondDogs(db, id('biscuit'), id('pepper'), actor);

  const foster = { id: fosterId, role: 'foster' as const };
  await addNote(db, id('hazel'), 'Hazel slept through the night for the first time! She has figured out the stairs going up, not yet coming down. (Demo note.)', foster);
  await addNote(db, id('hazel'), 'Met the resident cat today: lots of sniffing, no drama. Eating well, loves her squeaky carrot. (Demo note.)', foster);
  await addNote(db, id('ziggy'), 'Ziggy is very excited about his new family\'s visits. He walks nicely on a harness now. (Demo note.)', foster);
  await addNote(db, id('noodle'), 'Noodle came in a little shy but took treats from hand by the evening. (Demo note.)', { id: adminId, role: 'admin' });
  // The foster's notes notified the admin (no dog has a staff contact): show one as already read.
  const oldest = await db.selectFrom('notifications').select('id').where('staff_id', '=', adminId).orderBy('created_at').limit(1).executeTakeFirst();
  if (oldest) await readNotification(db, adminId, oldest.id);

  const vaccinate = (key: string, v: Record<string, string>) => addVaccination(db, id(key), vaccinationSchema.parse({ given_by: 'Demo Vet Clinic', ...v }), actor);
  await vaccinate('waffles', { type: 'rabies', given_on: addDays(today, -380), due_on: addDays(today, -15) });
  await vaccinate('biscuit', { type: 'dhpp', given_on: addDays(today, -358), due_on: addDays(today, 7) });
  await vaccinate('hazel', { type: 'dhpp', given_on: addDays(today, -21), due_on: addDays(today, 4) });
  await vaccinate('juniper', { type: 'rabies', given_on: addDays(today, -30), due_on: addDays(today, 335) });
  await vaccinate('tumble', { type: 'bordetella', given_on: addDays(today, -14), due_on: addDays(today, 351) });
  await addTreatment(db, id('waffles'), treatmentSchema.parse({ kind: 'medication', name: 'Ear drops (demo)', dose: '3 drops', schedule: 'Twice a day', repeat_every: '1', repeat_unit: 'day', starts_on: addDays(today, -10), ends_on: addDays(today, 10), next_due_on: addDays(today, 1) }), actor);
  await addVisit(db, id('waffles'), visitSchema.parse({ clinic: 'Demo Vet Clinic', visit_on: addDays(today, -10), reason: 'Head shaking, scratching the left ear', outcome: 'Ear infection; drops prescribed, recheck in two weeks.' }), actor);
  // Read by the worker as an upload is: its proposals wait on the document's extraction page.
  const documentId = await seedDemoDocument(photoDeps, id('waffles'), 'Waffles', actor);
  if (documentId) await enqueueJob(handle.db, rt.jobs, extractDocumentJob, { dogId: id('waffles'), documentId });
  // The seed stores photos outside a request, so no approval hook ran: one re-embed run gives them
  // their vectors at once (the job does nothing where the database has no pgvector), for lost and found.
  await enqueueJob(handle.db, rt.jobs, reembedJob, {});
  await seedDemoContacts({ db, keyRing }, actor);
  await seedDemoApplications({ db, ring: keyRing, jobs: rt.jobs, rescueName: handle.name }, id, adminId);
  await seedDemoContract({ db, ring: keyRing, jobs: rt.jobs, rescueName: handle.name }, new URL(`/r/${handle.slug}`, rt.ctx.config.publicUrl).toString(), adminId);
  return { dogs: demoDogs.length };
}

function weightOf(d: DemoDog): number {
  const base = { small: 7, medium: 16, large: 30, xl: 48 }[d.size];
  return d.years < 1 ? Math.round(base * 0.5 * 10) / 10 : base + (d.name.length % 4);
}
