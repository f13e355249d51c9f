/**
 * End-to-end lost-and-found latency across three rescues: one embedded Kona (PGlite, the default
 * descriptor) with three rescues, each with `dogs` dogs of `photos` approved photos from the
 * generated set, embedded by the runtime's own job. A real HTTP server on a free port answers
 * sequential searches of one photo each (the form's page fetched first for its CSRF token, then the
 * multipart POST, timed): at the root (`POST /lost-and-found`, every rescue) and on one rescue's
 * page. Beside them, the in-process equivalent of what a search does past HTTP (describe the photo,
 * search the three rescues) with HNSW and with the exact scan.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { openRuntime } from '../src/apps/runtime.js';
import { buildWebApp, createJobRunner } from '../src/apps/web.js';
import { dogFormSchema } from '../src/features/dogs/dogs.schema.js';
import { createDog } from '../src/features/dogs/dogs.service.js';
import { descriptorEmbedder, embedPhotoJob, searchSimilar, searchSimilarExact } from '../src/features/matching/matching.public.js';
import { photoStoreFor } from '../src/features/photos/photos.public.js';
import { storePhotoBuffer } from '../src/features/photos/photos.upload.js';
import { loadConfig } from '../src/platform/config/config.js';
import type { Database } from '../src/platform/db/driver.js';
import type { TenantSchema } from '../src/platform/db/schema.js';
import { enqueueJob } from '../src/platform/jobs/index.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { createTenant } from '../src/platform/tenancy/tenants.service.js';
import { round, type EvalDog } from './matching-eval.js';

/** p50/p95 in milliseconds over `runs` requests. */
export interface Latency { p50: number; p95: number; runs: number }

/** The end-to-end figures. */
export interface EndToEndFigures {
  rescues: number; dogsPerRescue: number; photosPerDog: number; embedder: string;
  /** `POST /lost-and-found` over HTTP, every rescue searched. */
  rootSearchMs: Latency;
  /** `POST /r/<slug>/lost-and-found`, one rescue. */
  rescueSearchMs: Latency;
  /** In process, no HTTP: describe the photo and search the three rescues with HNSW / with the exact scan. */
  inProcessHnswMs: Latency; inProcessExactMs: Latency;
  /** Share of root searches whose first candidate was the photo's own dog. */
  rightDogFirst: number;
}

const slugs = ['alpha', 'beta', 'gamma'];
const pct = (xs: number[], p: number) => round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!);
const latency = (xs: number[]): Latency => ({ p50: pct(xs, 50), p95: pct(xs, 95), runs: xs.length });

/** A dog the way staff add one (the fields the form requires). */
const dogForm = (name: string) => dogFormSchema.parse({ name, sex: 'female', size: 'medium', intake_date: '2026-10-01', intake_type: 'stray' });

/** One search as a browser makes it: the page for its token and cookie, then the POST (timed). A distinct forwarded address per search keeps the per-address rate limit out of the figure. */
async function timedSearch(base: string, pagePath: string, photo: Buffer, address: string): Promise<{ ms: number; html: string }> {
  const headers = { 'x-forwarded-for': address };
  const page = await fetch(`${base}${pagePath}`, { headers });
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error(`no CSRF token on ${pagePath} (status ${page.status})`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const form = new FormData();
  form.append('_csrf', token);
  form.append('photos', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'found.jpg');
  const started = performance.now();
  const res = await fetch(`${base}${pagePath}`, { method: 'POST', body: form, headers: { ...headers, cookie } });
  const html = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${pagePath} answered ${res.status}`);
  return { ms, html };
}

/**
 * Seeds the three rescues from `set` (dog i goes to rescue i mod 3; its first photo is held out as
 * the query, the next `photos` are enrolled), then times `requests` sequential searches of each kind.
 */
export async function measureLostFound(set: EvalDog[], opts: { dogsPerRescue: number; photos: number; requests: number; log?: (l: string) => void }): Promise<EndToEndFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-bench-lostfound-'));
  const logger = createLogger('silent');
  const rt = await openRuntime(loadConfig({
    KONA_DATA_DIR: path.join(dir, 'data'), KONA_BACKUP_DIR: path.join(dir, 'backups'), KONA_DEMO: 'false', KONA_JOBS: 'false', KONA_LOG_LEVEL: 'silent', KONA_TRUST_PROXY: 'true',
    KONA_ENCRYPTION_KEYS: `b1:${randomBytes(32).toString('base64')}`, KONA_BLIND_INDEX_KEY: randomBytes(32).toString('base64'), KONA_SESSION_SECRET: randomBytes(32).toString('base64url'),
  }), logger);
  try {
    const { ctx } = rt;
    const handles: Database<TenantSchema>[] = [];
    for (const slug of slugs) {
      await createTenant({ control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants }, { slug, name: `Rescue ${slug}` }, { type: 'system' });
      handles.push((await ctx.tenants.get(slug))!.db as Database<TenantSchema>);
    }
    const dbs: Kysely<TenantSchema>[] = handles.map((h) => h.kysely);
    const dogs = set.filter((d) => d.photos.length > opts.photos).slice(0, opts.dogsPerRescue * slugs.length);
    if (dogs.length < slugs.length) throw new Error(`the set has too few dogs with ${opts.photos + 1} photos for ${slugs.length} rescues`);
    const queries: { name: string; photo: Buffer }[] = [];
    let stored = 0;
    for (const [i, dog] of dogs.entries()) {
      const r = i % slugs.length;
      const name = `Dog${i}`;
      const db = dbs[r]!;
      const dogId = await createDog(db, dogForm(name), { type: 'system' });
      const store = photoStoreFor(ctx.config.uploadsDir, slugs[r]!);
      for (const p of dog.photos.slice(1, opts.photos + 1)) {
        const { photoId, duplicate } = await storePhotoBuffer({ db, store, maxBytes: 20 * 1024 * 1024 }, dogId, p.bytes, { actor: { type: 'system' }, approved: true });
        // Two edits can give the same bytes: the upload then answers the photo it already has.
        if (duplicate) continue;
        stored++;
        // What the approval hook does in the hub (matching's queuePhotoEmbedding).
        await enqueueJob(handles[r]!, ctx.jobs, embedPhotoJob, { photoId });
      }
      queries.push({ name, photo: dog.photos[0]!.bytes });
    }
    // Run the jobs as the worker would until every photo has its vector.
    const runner = await createJobRunner(rt, logger);
    const expected = stored;
    for (let round = 0; round < 100; round++) {
      let have = 0;
      for (const db of dbs) have += Number((await db.selectFrom('photo_embeddings').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      if (have >= expected) break;
      if (round === 99) throw new Error(`only ${have} of ${expected} photos were embedded`);
      await runner.runOnce();
    }
    opts.log?.(`  seeded ${slugs.length} rescues × ${Math.ceil(dogs.length / slugs.length)} dogs × ${opts.photos} photos, embedded by the job`);
    const app = await buildWebApp(rt);
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const root: number[] = [], rescue: number[] = [], hnsw: number[] = [], exact: number[] = [];
      let first = 0;
      for (let i = 0; i < opts.requests; i++) {
        const q = queries[i % queries.length]!;
        const r = await timedSearch(address, '/lost-and-found', q.photo, `10.1.${i >> 8}.${i & 255}`);
        root.push(r.ms);
        if (/<h3>([^<]+)<\/h3>/.exec(r.html)?.[1] === q.name) first++;
        rescue.push((await timedSearch(address, `/r/${slugs[i % queries.length % slugs.length]}/lost-and-found`, q.photo, `10.2.${i >> 8}.${i & 255}`)).ms);
        for (const [out, search] of [[hnsw, searchSimilar], [exact, searchSimilarExact]] as const) {
          const started = performance.now();
          const v = await descriptorEmbedder.embed(q.photo);
          for (const db of dbs) await search(db, descriptorEmbedder.modelId, v, 10);
          out.push(performance.now() - started);
        }
      }
      return {
        rescues: slugs.length, dogsPerRescue: Math.ceil(dogs.length / slugs.length), photosPerDog: opts.photos, embedder: descriptorEmbedder.modelId,
        rootSearchMs: latency(root), rescueSearchMs: latency(rescue), inProcessHnswMs: latency(hnsw), inProcessExactMs: latency(exact), rightDogFirst: round(first / opts.requests),
      };
    } finally {
      await app.close();
    }
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
