/**
 * Photo matching with an image model behind the dispatcher: the re-embed job's embedder is the
 * dispatcher's `/v1/embeddings` (the simulator's image embeddings here; `kona embedder` or
 * Infinity in use), batch class, and the vectors carry the model's id and the dimension it declares.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browser, createTestApp, csrfFrom, signedInStaff, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { DispatcherClient } from '../../inference/client.js';
import { backendsFor, startFleet, type Fleet } from '../../inference/dispatcher/dispatcher.testing.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { multipartBody } from '../photos/photos.testing.js';
import { dispatcherEmbedders, embedderFor } from './embedder.js';
import { reembedBatch, searchSimilar } from './matching.service.js';
import { syntheticPhoto } from './matching.testing.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

describe.each(engines)('photo matching with an image model behind the dispatcher, on %s', (engine) => {
  let t: TestApp;
  let fleet: Fleet;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let client: DispatcherClient | undefined;
  const dogIds: string[] = [];

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, sim: { modelName: 'clip-sim', embeddingDim: 24 }, config: (sims) => ({ backends: backendsFor(sims, [{ models: ['clip-sim'] }]) }) });
    // The app's own searches use the model too (KONA_MATCHING_MODEL; the test gives it its dispatcher client).
    t = await createTestApp(engine, { KONA_MATCHING_MODEL: 'clip-sim' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'admin'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    for (const [i, name] of ['Biscuit', 'Pepper'].entries()) {
      const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name, sex: 'male', size: 'medium', intake_date: '2026-03-01', intake_type: 'stray' });
      const dogId = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
      const token = csrfFrom((await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body);
      const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'dog.png', type: 'image/png', data: await syntheticPhoto(300 + i) }]);
      const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
      expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/photos`, payload, headers: { 'content-type': contentType, cookie, accept: 'application/json' } })).statusCode).toBe(200);
      dogIds.push(dogId);
    }
  });
  afterAll(async () => {
    await t?.close();
    await fleet?.close();
  });

  it('embeds every approved photo through the dispatcher with the model\'s id and declared dimension, and searches by it', async () => {
    client = new DispatcherClient({ baseUrl: fleet.dispatcher.url });
    const embedder = embedderFor('clip-sim', dispatcherEmbedders(() => client));
    const deps = { db, store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha'), embedder };
    expect(await reembedBatch(deps, 10)).toMatchObject({ embedded: 2, done: true });
    expect(embedder.dimension).toBe(24);
    const rows = await db.selectFrom('photo_embeddings').select(['dog_id', 'model_id', 'dimension']).orderBy('dog_id').execute();
    expect(rows).toEqual([...dogIds].sort().map((dog_id) => ({ dog_id, model_id: 'clip-sim', dimension: 24 })));
    // A stored photo's own vector finds its dog first.
    const [stored] = await db.selectFrom('photo_embeddings').select(['dog_id', 'embedding']).where('dog_id', '=', dogIds[1]!).execute();
    const vector = JSON.parse(stored!.embedding) as number[];
    expect((await searchSimilar(db, 'clip-sim', vector, 2))[0]).toMatchObject({ dogId: dogIds[1], modelId: 'clip-sim' });
  });

  it('the public lost-and-found search embeds the visitor\'s photo with the model through the dispatcher (interactive) and finds the dog by its vectors', async () => {
    const visitor = new Browser(t.app);
    const token = csrfFrom((await visitor.get('/r/alpha/lost-and-found')).body);
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: token }, { name: 'photos', filename: 'found.png', type: 'image/png', data: await syntheticPhoto(301) }]);
    const cookie = Object.entries(visitor.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    const classes: string[] = [];
    t.rt.ctx.inference = new DispatcherClient({ baseUrl: fleet.dispatcher.url, fetch: (async (url: string, init: RequestInit) => {
      classes.push(new Headers(init.headers).get('x-kona-priority') ?? '');
      return fetch(url, init);
    }) as typeof fetch });
    const res = await t.app.inject({ method: 'POST', url: '/r/alpha/lost-and-found', payload, headers: { 'content-type': contentType, cookie } });
    expect(res.statusCode, res.body.slice(res.body.indexOf('<main'), res.body.indexOf('<main') + 600)).toBe(200);
    expect(res.body).toContain('using the clip-sim image comparison');
    // The simulator's vectors come from the bytes: the same photo finds Pepper first.
    expect(res.body.indexOf('<h3>Pepper</h3>')).toBeGreaterThan(-1);
    // A person waits on this search: the photo goes in the interactive class, not behind the batch jobs.
    expect(classes).toEqual(['interactive']);
    t.rt.ctx.inference = undefined;
  });

  it('a photo the model server cannot read is skipped (no vector, the batch goes on), not retried forever', async () => {
    const refusing = new DispatcherClient({
      baseUrl: 'http://dispatcher.test',
      fetch: (async () => new Response(JSON.stringify({ error: { message: 'image 0 could not be decoded', type: 'invalid_request', code: 'invalid_image' } }), { status: 400, headers: { 'content-type': 'application/json' } })) as typeof fetch,
    });
    const embedder = embedderFor('clip-refusing', dispatcherEmbedders(() => refusing));
    const deps = { db, store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha'), embedder };
    const before = await db.selectFrom('photo_embeddings').select(['photo_id', 'model_id']).orderBy('photo_id').execute();
    expect(before.length).toBeGreaterThan(0);
    expect(await reembedBatch(deps, 10)).toMatchObject({ embedded: 0, done: true, removed: 0 });
    expect(await db.selectFrom('photo_embeddings').select('photo_id').where('model_id', '=', 'clip-refusing').execute()).toEqual([]);
    // A model that refused every photo leaves the previous model's vectors whole: switching back still finds the dogs.
    expect(await db.selectFrom('photo_embeddings').select(['photo_id', 'model_id']).orderBy('photo_id').execute()).toEqual(before);
  });

  it('without a dispatcher the model embedder says what to set, and nothing is stored for it', async () => {
    client = undefined;
    const embedder = embedderFor('clip-other', dispatcherEmbedders(() => client));
    const deps = { db, store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha'), embedder };
    await expect(reembedBatch(deps, 10)).rejects.toThrow(/KONA_MATCHING_MODEL=clip-other needs the dispatcher/);
    expect(await db.selectFrom('photo_embeddings').select('photo_id').where('model_id', '=', 'clip-other').execute()).toEqual([]);
  });
});
