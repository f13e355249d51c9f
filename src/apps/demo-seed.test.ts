import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptAnswers } from '../features/adoptions/adoptions.public.js';
import { listAdoptableDogs } from '../features/dogs/dogs.public.js';
import { isoToday } from '../features/dogs/dogs.values.js';
import { fosterHomes } from '../features/fosters/fosters.homes.js';
import { medicalDue } from '../features/medical/medical.due.js';
import { photoStoreFor, variantFiles } from '../features/photos/photos.store.js';
import { loadConfig } from '../platform/config/config.js';
import { createLogger } from '../platform/logging/logger.js';
import { createDemoRescue } from './admin-commands.js';
import { openRuntime, type Runtime } from './runtime.js';

/** What a text answer must look like, by the wording of the question it answers (the default questions). */
const textAnswerShapes: [question: RegExp, answer: RegExp][] = [
  [/other pets/i, /^(?!.*\bchild)(?=.*\b(cats?|dogs?|rabbits?|pets?)\b)/i],
  [/children/i, /\b(child|children|toddler|grandchildren)\b/i],
  [/dog before/i, /\b(dogs?|collies|greyhound|spaniel|boxers)\b/i],
  [/left alone/i, /\bhours?\b/i],
];

describe('the demo rescue on the embedded default', () => {
  let dataDir: string;
  let config: ReturnType<typeof loadConfig>;
  let rt: Runtime;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'kona-demo-'));
    config = loadConfig({ KONA_DATA_DIR: dataDir, KONA_LOG_LEVEL: 'silent', KONA_JOBS: 'false' });
    rt = await openRuntime(config, createLogger('silent'));
    const started = performance.now();
    await createDemoRescue(rt);
    const seconds = (performance.now() - started) / 1000;
    console.info(`demo rescue created and seeded in ${seconds.toFixed(2)} s`);
  });
  afterAll(async () => {
    await rt?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the data directory and the embedded databases owner-only', () => {
    const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
    expect(mode(dataDir)).toBe('700');
    expect(mode(path.join(dataDir, 'control'))).toBe('700');
    expect(mode(path.join(dataDir, 'tenants', 'demo'))).toBe('700');
  });

  it('is seeded with a dozen made-up dogs at every stage, photos, medical records and foster notes', async () => {
    const db = (await rt.ctx.tenants.get('demo'))!.db.kysely;
    const today = isoToday();

    const dogs = await db.selectFrom('dogs').select(['id', 'name', 'status', 'whereabouts', 'public_description']).execute();
    expect(dogs).toHaveLength(12);
    expect(new Set(dogs.map((d) => d.status))).toEqual(new Set(['available', 'intake', 'medical_hold', 'adoption_pending', 'adopted']));
    // Where a dog is is apart from its status: Hazel is available while in foster, Waffles is at the vet.
    expect(new Set(dogs.map((d) => d.whereabouts))).toEqual(new Set(['rescue', 'foster', 'vet']));
    expect(dogs.find((d) => d.name === 'Hazel')).toMatchObject({ status: 'available', whereabouts: 'foster' });
    expect(dogs.every((d) => /demo dog/.test(d.public_description))).toBe(true);

    const adoptable = await listAdoptableDogs(db, {}, today);
    expect(adoptable.length).toBeGreaterThanOrEqual(6);
    const store = path.join(config.uploadsDir, 'demo');
    const blobs = photoStoreFor(config.uploadsDir, 'demo');
    for (const dog of adoptable) {
      expect(dog.photos.length).toBeGreaterThan(0);
      const photo = await db.selectFrom('dog_photos').select(['status', 'variants']).where('dog_id', '=', dog.id).where('status', '=', 'approved').executeTakeFirstOrThrow();
      const variants = photo.variants as Record<string, string>;
      for (const name of variantFiles) {
        const sha = variants[name];
        expect(sha, `${dog.name} ${name}`).toMatch(/^[0-9a-f]{64}$/);
        const blob = await blobs.get(sha!);
        expect(blob?.size, `${dog.name} ${name} in ${store}`).toBeGreaterThan(0);
        blob!.stream.destroy();
      }
    }
    expect(adoptable.some((d) => d.bondedWith)).toBe(true);

    const due = await medicalDue(db, today);
    expect(due.overdue.length).toBeGreaterThanOrEqual(1);
    expect(due.upcoming.length).toBeGreaterThanOrEqual(1);

    const notes = await db.selectFrom('dog_notes').innerJoin('staff', 'staff.id', 'dog_notes.author_id').select(['dog_notes.id', 'staff.role']).execute();
    expect(notes.some((n) => n.role === 'foster')).toBe(true);
    // The foster's notes notified the admin, so the demo's notifications page is not empty.
    const inbox = await db.selectFrom('notifications').select(['kind', 'read_at']).execute();
    expect(inbox.filter((n) => n.kind === 'foster.note').length).toBeGreaterThanOrEqual(2);
    expect(inbox.some((n) => n.read_at !== null) && inbox.some((n) => n.read_at === null)).toBe(true);
    const homes = await fosterHomes({ db, keyRing: rt.ctx.secrets.keyRing });
    expect(homes.some((h) => h.dogs.length === 2)).toBe(true);
    const applications = await db.selectFrom('applications').select('status').execute();
    expect(new Set(applications.map((a) => a.status))).toEqual(new Set(['new', 'in_review', 'interview_scheduled', 'approved', 'denied', 'completed']));
    // Adoption pending and adopted come from applications, as in use: no dog is held or adopted without one.
    const held = await db.selectFrom('dogs').leftJoin('applications', (j) => j.onRef('applications.dog_id', '=', 'dogs.id').on('applications.status', 'in', ['approved', 'completed']))
      .select(['dogs.name', 'dogs.status', 'dogs.adopter_contact_id', 'applications.status as application', 'applications.contact_id']).where('dogs.status', 'in', ['adoption_pending', 'adopted']).execute();
    expect(held.map((d) => [d.name, d.status, d.application]).sort()).toEqual([['Poppy', 'adopted', 'completed'], ['Ziggy', 'adoption_pending', 'approved']]);
    expect(held.find((d) => d.name === 'Poppy')!.adopter_contact_id).toBe(held.find((d) => d.name === 'Poppy')!.contact_id);
    expect(await db.selectFrom('adoption_completions').select(['fee_method', 'receipt_number']).execute()).toEqual([{ fee_method: 'card_in_person', receipt_number: `${new Date().getUTCFullYear()}-0001` }]);
    const contacts = await db.selectFrom('contacts').select('roles').execute();
    expect(contacts.some((c) => c.roles.includes('vet'))).toBe(true);
    expect(existsSync(store)).toBe(true);
    // The demo's vet document waits for the worker to read it, as an upload does.
    const [document] = await db.selectFrom('medical_documents').select(['id', 'dog_id']).execute();
    const queued = await db.selectFrom('jobs').select(['name', 'payload']).where('name', '=', 'ai.extract-document').execute();
    expect(queued.map((j) => j.payload)).toEqual([{ dogId: document!.dog_id, documentId: document!.id }]);
    // And its photos wait for one re-embed run, for photo matching.
    expect(await db.selectFrom('jobs').select('status').where('name', '=', 'matching.reembed').execute()).toEqual([{ status: 'queued' }]);
  });

  it("answers every application's questions in order, each answer fitting the question it is stored against", async () => {
    const db = (await rt.ctx.tenants.get('demo'))!.db.kysely;
    const questions = new Map((await db.selectFrom('application_questions').selectAll().where('active', '=', true).orderBy('position').execute()).map((q) => [q.id, q]));
    const applications = await db.selectFrom('applications').select(['id', 'answers_enc']).execute();
    expect(applications.length).toBeGreaterThanOrEqual(5);
    const textAnswers = new Set<string>();
    for (const a of applications) {
      const answers = decryptAnswers(rt.ctx.secrets.keyRing, a.answers_enc);
      expect(answers.map((x) => x.questionId)).toEqual([...questions.keys()]);
      for (const answer of answers) {
        const q = questions.get(answer.questionId)!;
        const where = `${a.id}: "${q.label}" answered "${answer.answer}"`;
        expect({ label: answer.label, kind: answer.kind }, where).toEqual({ label: q.label, kind: q.kind });
        if (q.required) expect(answer.answer, where).not.toBe('');
        if (q.kind === 'yes_no') expect(['yes', 'no'], where).toContain(answer.answer);
        if (q.kind === 'choice') expect(q.choices, where).toContain(answer.answer);
        if (q.kind !== 'text') continue;
        textAnswers.add(answer.answer);
        const shape = textAnswerShapes.find(([label]) => label.test(q.label));
        if (shape) expect(answer.answer, where).toMatch(shape[1]);
      }
    }
    // Every default topic is checked above, so a shift of the answers by one question shows.
    expect([...questions.values()].filter((q) => q.kind === 'text' && textAnswerShapes.some(([label]) => label.test(q.label)))).toHaveLength(textAnswerShapes.length);
    expect(textAnswers.size).toBeGreaterThan(questions.size);
  });
});
