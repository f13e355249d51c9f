import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createJobRunner } from '../../apps/web.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { enqueueJob, jobSource } from '../../platform/jobs/index.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { multipartBody } from '../photos/photos.testing.js';
import { describeImage, descriptorDimension, descriptorModelId } from './descriptor.js';
import { descriptorEmbedder, type ImageEmbedder } from './embedder.js';
import { matchingJobs } from './matching.jobs.js';
import { hasEmbeddingsTable, modelIndexName } from './matching.queries.js';
import { assertMatchingAvailable, reembedBatch, searchSimilar, searchSimilarExact } from './matching.service.js';
import { photoEdits, syntheticPhoto } from './matching.testing.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

/** A second "model": the descriptor's first 16 numbers, renormalised (what matters is its id and dimension). */
const smallModel: ImageEmbedder = {
  modelId: 'test-small-v2',
  dimension: 16,
  embed: async (bytes) => {
    const v = (await describeImage(bytes)).slice(0, 16);
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  },
};

describe.each(engines)('photo matching on %s', (engine) => {
  let t: TestApp;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  const runJobs = async () => (await createJobRunner(t.rt, pino({ level: 'silent' }))).runOnce();
  const vectorsOf = (photoId: string) => db.selectFrom('photo_embeddings').select(['photo_id', 'dog_id', 'model_id', 'dimension']).where('photo_id', '=', photoId).execute();
  const deps = (embedder = descriptorEmbedder) => ({ db, store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha'), embedder });

  async function newDog(name: string): Promise<string> {
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'male', size: 'medium', intake_date: '2026-03-01', intake_type: 'stray' });
    return /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  }
  /** Uploads one photo as staff (approved at once) and returns its id. */
  async function upload(dogId: string, data: Buffer): Promise<string> {
    const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.png', type: 'image/png', data }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: 'application/json' } });
    expect(res.statusCode).toBe(200);
    return res.json().results[0].photoId as string;
  }
  const action = async (dogId: string, photoId: string, name: string, form: Record<string, string> = {}) =>
    staff.post(`/r/alpha/hub/dogs/${dogId}/photos/${photoId}/${name}`, { _csrf: await staff.csrf(`/r/alpha/hub/dogs/${dogId}`), ...form });

  const dogs: { id: string; photo: string; seed: number }[] = [];

  beforeAll(async () => {
    t = await createTestApp(engine);
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'admin'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    for (const [i, name] of ['Biscuit', 'Pepper', 'Juno', 'Rolo'].entries()) {
      const id = await newDog(name);
      dogs.push({ id, seed: 100 + i, photo: await upload(id, await syntheticPhoto(100 + i)) });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a staff upload (approved at once) queues the embedding; the worker stores one vector with the model id and dimension, under the model\'s HNSW index', async () => {
    const queued = await db.selectFrom('jobs').select(['name', 'payload']).where('name', '=', 'matching.embed-photo').execute();
    expect(queued.map((j) => j.payload)).toEqual(dogs.map((d) => ({ photoId: d.photo })));
    expect(await vectorsOf(dogs[0]!.photo)).toEqual([]);
    await runJobs();
    expect(await vectorsOf(dogs[0]!.photo)).toEqual([{ photo_id: dogs[0]!.photo, dog_id: dogs[0]!.id, model_id: descriptorModelId, dimension: descriptorDimension }]);
    const index = await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname = ${modelIndexName(descriptorModelId, descriptorDimension)}`.execute(db);
    expect(index.rows[0]?.indexdef).toMatch(/USING hnsw .*vector_cosine_ops.*WHERE \(model_id = 'kona-descriptor-v1'/);
  });

  it('search puts the right dog first among a few (by HNSW and by exact scan), graded, naming the embedder, and only dogs still in care', async () => {
    const query = await describeImage(await photoEdits.combined!(await syntheticPhoto(dogs[2]!.seed)));
    const found = await searchSimilar(db, descriptorModelId, query, 3);
    expect(found[0]).toMatchObject({ dogId: dogs[2]!.id, photoId: dogs[2]!.photo, grade: 'strong', modelId: descriptorModelId });
    expect(found.slice(1).every((c) => c.grade === 'weak' && c.similarity < found[0]!.similarity)).toBe(true);
    expect((await searchSimilarExact(db, descriptorModelId, query, 3)).map((c) => c.photoId)).toEqual(found.map((c) => c.photoId));

    await db.updateTable('dogs').set({ status: 'adopted' }).where('id', '=', dogs[2]!.id).execute();
    const after = await searchSimilar(db, descriptorModelId, query, 10);
    expect(after.map((c) => c.dogId).sort()).toEqual([dogs[0]!.id, dogs[1]!.id, dogs[3]!.id].sort());
    await db.updateTable('dogs').set({ status: 'intake' }).where('id', '=', dogs[2]!.id).execute();
  });

  it('a photo approved in the hub is queued too; rejecting it removes its vectors at once; deleting a photo removes them with the row', async () => {
    const extra = await upload(dogs[1]!.id, await photoEdits.crop!(await syntheticPhoto(dogs[1]!.seed)));
    await db.updateTable('dog_photos').set({ status: 'pending' }).where('id', '=', extra).execute();
    await db.deleteFrom('jobs').where('name', '=', 'matching.embed-photo').execute();
    expect((await action(dogs[1]!.id, extra, 'approve')).statusCode).toBe(303);
    expect((await db.selectFrom('jobs').select('payload').where('name', '=', 'matching.embed-photo').execute()).map((j) => j.payload)).toEqual([{ photoId: extra }]);
    await runJobs();
    expect(await vectorsOf(extra)).toHaveLength(1);

    expect((await action(dogs[1]!.id, extra, 'reject')).statusCode).toBe(303);
    expect(await vectorsOf(extra)).toEqual([]);
    const query = await describeImage(await syntheticPhoto(dogs[1]!.seed));
    expect((await searchSimilar(db, descriptorModelId, query, 10)).map((c) => c.photoId)).not.toContain(extra);

    expect(await vectorsOf(dogs[3]!.photo)).toHaveLength(1);
    expect((await action(dogs[3]!.id, dogs[3]!.photo, 'delete', { confirm: 'yes' })).statusCode).toBe(303);
    expect(await vectorsOf(dogs[3]!.photo)).toEqual([]);
  });

  it('a model change re-embeds in batches that resume where they stopped, then removes the old model\'s vectors', async () => {
    const approved = (await db.selectFrom('dog_photos').select('id').where('status', '=', 'approved').execute()).map((p) => p.id);
    expect(approved).toHaveLength(3);
    const first = await reembedBatch(deps(smallModel), 2);
    expect(first).toEqual({ embedded: 2, done: false, removed: 0 });
    // Interrupted here: the next run takes only the photo still lacking the new model's vector.
    const second = await reembedBatch(deps(smallModel), 2);
    expect(second).toEqual({ embedded: 1, done: true, removed: 3 });
    const rows = await db.selectFrom('photo_embeddings').select(['model_id', 'dimension']).execute();
    expect(rows).toEqual(approved.map(() => ({ model_id: 'test-small-v2', dimension: 16 })));
    const query = await smallModel.embed(await syntheticPhoto(dogs[0]!.seed));
    expect((await searchSimilar(db, 'test-small-v2', query, 1))[0]).toMatchObject({ dogId: dogs[0]!.id, modelId: 'test-small-v2' });

    // Back to the descriptor through the job: every approved photo again, the small model's vectors gone.
    await enqueueJob((await t.rt.ctx.tenants.get('alpha'))!.db, t.rt.jobs, 'matching.reembed', {});
    await runJobs();
    expect(await db.selectFrom('photo_embeddings').select(['model_id', 'dimension']).execute()).toEqual(approved.map(() => ({ model_id: descriptorModelId, dimension: descriptorDimension })));
  });

  it('the re-embed job queues its next run while photos are left, and stops once the old vectors are gone', async () => {
    const handle = (await t.rt.ctx.tenants.get('alpha'))!;
    const job = matchingJobs({ uploadsDir: t.rt.ctx.config.uploadsDir, jobs: () => t.rt.jobs, embedder: () => smallModel, batchSize: 2 }).find((j) => j.name === 'matching.reembed')!;
    const logged: string[] = [];
    const ctx = { jobId: 'x', attempt: 1, signal: new AbortController().signal, source: jobSource('alpha', handle.db), logger: { info: (_: unknown, m: string) => logged.push(m), warn: () => {}, error: () => {} } };
    const queuedRuns = async () => (await db.selectFrom('jobs').select('id').where('name', '=', 'matching.reembed').where('status', '=', 'queued').execute()).length;
    await db.deleteFrom('jobs').where('name', '=', 'matching.reembed').execute();
    await job.handler({}, ctx);
    expect(await queuedRuns()).toBe(1);
    expect((await db.selectFrom('photo_embeddings').select('model_id').where('model_id', '=', 'test-small-v2').execute())).toHaveLength(2);
    await db.deleteFrom('jobs').where('name', '=', 'matching.reembed').execute();
    await job.handler({}, ctx);
    expect(await queuedRuns()).toBe(0);
    expect((await db.selectFrom('photo_embeddings').select('model_id').distinct().execute()).map((r) => r.model_id)).toEqual(['test-small-v2']);
    expect(logged).toEqual(['re-embedding ran a batch', 're-embedding ran a batch']);
  });

  it('a database without pgvector\'s table queues nothing and says matching is unavailable', async () => {
    await sql`drop table photo_embeddings`.execute(db);
    const extra = await upload(dogs[0]!.id, await sharp(await syntheticPhoto(999)).jpeg().toBuffer());
    expect(await db.selectFrom('jobs').select('id').where('name', '=', 'matching.embed-photo').where(sql<boolean>`payload->>'photoId' = ${extra}`).execute()).toEqual([]);
    await expect(assertMatchingAvailable(db)).rejects.toMatchObject({ code: 'KONA_ERR_UNAVAILABLE' });
  });
  it('pgvector installed after the database was migrated: the next re-embed run makes the table and fills it', async () => {
    // The table is gone (the test before): as a rescue migrated on a server without pgvector would be.
    expect(await hasEmbeddingsTable(db)).toBe(false);
    const handle = (await t.rt.ctx.tenants.get('alpha'))!;
    const job = matchingJobs({ uploadsDir: t.rt.ctx.config.uploadsDir, jobs: () => t.rt.jobs, embedder: () => descriptorEmbedder, batchSize: 50 }).find((j) => j.name === 'matching.reembed')!;
    const silent = { info: () => {}, warn: () => {}, error: () => {} };
    await job.handler({}, { jobId: 'x', attempt: 1, signal: new AbortController().signal, source: jobSource('alpha', handle.db), logger: silent });
    expect(await hasEmbeddingsTable(db)).toBe(true);
    const approvedPhotos = await db.selectFrom('dog_photos').select('id').where('status', '=', 'approved').execute();
    expect(await db.selectFrom('photo_embeddings').select('photo_id').execute()).toHaveLength(approvedPhotos.length);
    await expect(assertMatchingAvailable(db)).resolves.toBeUndefined();
  });
});
