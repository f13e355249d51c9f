/**
 * The AI features' latency on each path, and the injection corpus's pass count, for `npm run bench:ai`.
 *
 * One embedded Kona (PGlite) with a rescue, a dog with an approved photo and an application. Each
 * feature is drafted through its own service, as the hub's buttons and jobs do (read the record,
 * run the feature, encrypt and store the draft), `runs` times on each path:
 * - `simpler`: no dispatcher (the embedded default), the deterministic path;
 * - `simulator`: the real dispatcher over the simulated GPU backend (the protocol and Kona's own
 *   overhead; the simulator's tokens are instant);
 * - `tiny`: the real dispatcher over llm-serve running the generated tiny GGUF on this CPU
 *   (llama.cpp, one thread), when node-llama-cpp is installed.
 * Per feature it reports the service call's wall time and the feature's own run (runFeature, from
 * the runtime's log line: model call, validation and the simpler path, no database), p50 and p95.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openRuntime, type Runtime } from '../src/apps/runtime.js';
import { loadConfig } from '../src/platform/config/config.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { createTenant } from '../src/platform/tenancy/tenants.service.js';
import { addApplication } from '../src/features/adoptions/decisions.testing.js';
import { runFeature, type AiRuntime } from '../src/features/ai/ai.feature.js';
import { loadPrompt } from '../src/features/ai/ai.prompts.js';
import { reviewFeature } from '../src/features/ai/ai.review.js';
import { reviewApplication } from '../src/features/ai/ai.review.service.js';
import { aiRuntimeFrom } from '../src/features/ai/ai.runtime.js';
import { draftAltText, draftBio, draftSocialPosts, type AiDeps } from '../src/features/ai/ai.service.js';
import { activeConcerns } from '../src/features/ai/concerns.service.js';
import { judgeInjection } from '../src/features/ai/screening/injection.check.js';
import { injectionCorpus } from '../src/features/ai/screening/injection.corpus.js';
import { extractDocumentDraft } from '../src/features/ai/ai.extract.service.js';
import { storeDocument } from '../src/features/medical/documents.service.js';
import { generateCorpus } from './ai-docs/generate.js';
import { simplerAnswer } from '../src/features/ai/chat/answer.js';
import { benchRecord, chatTtftOn, measureChatTtft } from './ai-chat-ttft.js';
import { changeDogStatus } from '../src/features/dogs/dog-actions.service.js';
import { dogFormSchema } from '../src/features/dogs/dogs.schema.js';
import { createDog } from '../src/features/dogs/dogs.service.js';
import { photoStoreFor } from '../src/features/photos/photos.public.js';
import { storePhotoBuffer } from '../src/features/photos/photos.upload.js';
import { DispatcherClient } from '../src/inference/client.js';
import { startFleet, type Fleet } from '../src/inference/dispatcher/dispatcher.testing.js';
import { loadNodeLlamaCpp } from '../src/inference/llm/engine.js';
import { startTinyModelFleet, type TinyModelFleet } from '../src/inference/llm/llm.testing.js';
import { samplePhoto } from '../src/platform/images/sample-images.testing.js';

export type AiPath = 'simpler' | 'simulator' | 'tiny';
export interface Percentiles { p50: number; p95: number; runs: number }
export interface FeatureFigures {
  /** The service call (record read, feature, draft stored). */
  serviceMs: Percentiles;
  /** The feature's own run, per feature name the service ran (review also runs interview). */
  featureMs: Record<string, Percentiles & { paths: Record<string, number> }>;
}
export interface AiFeatureBench {
  /** Chat: the simpler path's answer (the record search), and the model path's time to first token per model path. */
  chat: { simplerMs?: Percentiles; ttftMs: Partial<Record<AiPath, Percentiles>> };
  paths: Partial<Record<AiPath, Record<string, FeatureFigures>>>;
  injection: Partial<Record<AiPath, { cases: number; passed: number; modelPath: number; failed: string[] }>>;
  /** Why a path was not measured (the tiny model without node-llama-cpp). */
  skipped: Partial<Record<AiPath, string>>;
}

const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : 0);
const r1 = (n: number) => Math.round(n * 10) / 10;
const percentiles = (xs: number[]): Percentiles => ({ p50: r1(pct(xs, 50)), p95: r1(pct(xs, 95)), runs: xs.length });

/** The answers an applicant gave (a concern or two for the rules to find). */
const answers: [string, string][] = [
  ['Where will the dog sleep?', 'In the kitchen at night; we would keep the dog outside in a kennel most of the day.'],
  ['How long would the dog be alone?', 'About four hours on weekdays, a neighbour walks him at noon.'],
  ['Tell us about your home', 'A terraced house with a small fenced garden, two cats and a ten-year-old.'],
];

async function seed(t: { rt: Runtime }) {
  const { ctx } = t.rt;
  await createTenant({ control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants }, { slug: 'alpha', name: 'Bench Rescue' }, { type: 'system' });
  const db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
  const actor = { type: 'system' as const };
  const form = dogFormSchema.parse({
    name: 'Biscuit', sex: 'female', size: 'medium', age_years: '3', age_months: '0', breeds: 'Collie cross', colour: 'Black and white', spay_neuter: 'yes',
    intake_date: '2026-10-01', intake_type: 'stray', source: 'Bench', location: 'Foster home', good_with_dogs: 'yes', good_with_cats: 'no', good_with_children: 'yes',
    energy: 'high', adoption_fee: '150', public_description: 'A bright, busy collie cross who loves fetch and learns fast.',
  });
  const dogId = await createDog(db, form, actor);
  await changeDogStatus(db, dogId, { to: 'available', reason: 'Ready' }, actor);
  const store = photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha');
  await storePhotoBuffer({ db, store, maxBytes: 20 * 1024 * 1024 }, dogId, await samplePhoto({ width: 800, height: 600 }), { actor, approved: true });
  const photoId = (await db.selectFrom('dog_photos').select('id').where('dog_id', '=', dogId).executeTakeFirstOrThrow()).id;
  const { id: appId } = await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Priya Applicant', email: 'priya@example.org', answers });
  // Another applicant for the same dog: their name and email must never come back in a review.
  await addApplication(db, t.rt.ctx.secrets.keyRing, { dogId, name: 'Olga Otherapplicant', email: 'olga.other@example.org', phone: '+1 555 0199 7788' });
  // A born-digital vet record of the bench corpus's first layout, attached as staff attach one.
  const docsDir = path.join(t.rt.ctx.config.dataDir, '..', 'docs');
  await generateCorpus(docsDir, { seed: 16, perLayout: 1, only: ['digital'] });
  const pdf = readFileSync(path.join(docsDir, readdirSync(docsDir).filter((f) => f.endsWith('.pdf')).sort()[0]!));
  const { id: documentId } = await storeDocument({ db, store, maxBytes: pdf.byteLength }, dogId, Readable.from([pdf]), { title: 'Vet record', link: '', originalName: 'vet-record.pdf' }, actor);
  return { db, store, dogId, photoId, appId, documentId };
}

/** Runs the features and the corpus on every path available here. */
export async function measureAiFeatures(opts: { runs: number; log?: (s: string) => void }): Promise<AiFeatureBench> {
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-bench-ai-'));
  const dataDir = path.join(dir, 'data');
  const rt = await openRuntime(loadConfig({
    KONA_DATA_DIR: dataDir, KONA_BACKUP_DIR: path.join(dir, 'backups'), KONA_DEMO: 'false', KONA_JOBS: 'false', KONA_LOG_LEVEL: 'silent',
    KONA_ENCRYPTION_KEYS: `b1:${randomBytes(32).toString('base64')}`, KONA_BLIND_INDEX_KEY: randomBytes(32).toString('base64'), KONA_SESSION_SECRET: randomBytes(32).toString('base64url'),
    KONA_AI_MODEL: 'm', KONA_AI_DEADLINE_SECONDS: '60', KONA_AI_BATCH_DEADLINE_SECONDS: '60',
  }), createLogger('silent'));
  const t = { rt };
  let fleet: Fleet | undefined;
  let tiny: TinyModelFleet | undefined;
  const out: AiFeatureBench = { paths: {}, injection: {}, skipped: {}, chat: { ttftMs: {} } };
  try {
    const s = await seed(t);
    fleet = await startFleet({ count: 1 });
    try {
      await loadNodeLlamaCpp();
      // 16k of context: the chat's and extraction's prompts fit the nearly letter-by-letter vocabulary.
      tiny = await startTinyModelFleet({ modelName: 'm', contextLength: 16384 });
    } catch (err) {
      out.skipped.tiny = (err as Error).message;
    }
    const clients: Partial<Record<AiPath, DispatcherClient | undefined>> = {
      simpler: undefined,
      simulator: new DispatcherClient({ baseUrl: fleet.dispatcher.url }),
      ...(tiny && { tiny: new DispatcherClient({ baseUrl: tiny.dispatcher.url }) }),
    };
    const concerns = await activeConcerns(s.db);
    const secrets = ['Olga Otherapplicant', 'olga.other@example.org', '555 0199 7788', loadPrompt('review').text.split('\n')[0]!.slice(0, 60)];
    for (const [p, client] of Object.entries(clients) as [AiPath, DispatcherClient | undefined][]) {
      const runs: { feature: string; path: string; latencyMs: number }[] = [];
      const rt: AiRuntime = { ...aiRuntimeFrom(t.rt.ctx.config, client, 'alpha'), logger: { info: (f: object) => runs.push(f as never) } };
      const deps: AiDeps = { db: s.db, ring: t.rt.ctx.secrets.keyRing, rt, actor: { type: 'system' }, today: '2026-12-07', store: s.store };
      const services: Record<string, () => Promise<unknown>> = {
        bio: () => draftBio(deps, s.dogId, 'warm'),
        'alt-text': () => draftAltText(deps, s.dogId, s.photoId),
        social: () => draftSocialPosts(deps, s.dogId),
        'review+interview': () => reviewApplication(deps, s.appId),
        // Reading the PDF's text layer and the rules, then the feature; no OCR (born digital).
        extraction: () => extractDocumentDraft(deps, s.dogId, s.documentId),
      };
      const figures: Record<string, FeatureFigures> = {};
      for (const [name, call] of Object.entries(services)) {
        await call(); // warm: prompts read, statements prepared
        runs.length = 0;
        const wall: number[] = [];
        for (let i = 0; i < opts.runs; i++) {
          const started = performance.now();
          await call();
          wall.push(performance.now() - started);
        }
        const featureMs: FeatureFigures['featureMs'] = {};
        for (const f of new Set(runs.map((x) => x.feature))) {
          const mine = runs.filter((x) => x.feature === f);
          const paths: Record<string, number> = {};
          for (const x of mine) paths[x.path] = (paths[x.path] ?? 0) + 1;
          featureMs[f] = { ...percentiles(mine.map((x) => x.latencyMs)), paths };
        }
        figures[name] = { serviceMs: percentiles(wall), featureMs };
        log(`  ${p.padEnd(9)} ${name.padEnd(17)} service p50 ${figures[name].serviceMs.p50} ms, p95 ${figures[name].serviceMs.p95} ms; ${Object.entries(featureMs).map(([f, m]) => `${f} p50 ${m.p50} / p95 ${m.p95} ms (${Object.entries(m.paths).map(([k, v]) => `${k} ${v}`).join(', ')})`).join('; ')}\n`);
      }
      out.paths[p] = figures;
      if (p === 'simpler') {
        const record = benchRecord();
        const ms: number[] = [];
        for (let i = 0; i < Math.max(opts.runs, 20); i++) {
          const started = performance.now();
          simplerAnswer(record, `Is Biscuit good with cats? Does she need a special diet? (${i})`);
          ms.push(performance.now() - started);
        }
        out.chat.simplerMs = percentiles(ms);
        log(`  ${p.padEnd(9)} chat              record search p50 ${out.chat.simplerMs.p50} ms, p95 ${out.chat.simplerMs.p95} ms\n`);
        continue;
      }
      // The simulator path uses the simulated GPU's default timing (prefill and decode of a real-sized model), in its own fleet.
      const ttft = p === 'simulator' ? await measureChatTtft({ requests: opts.runs }) : await chatTtftOn(client!, 'm', opts.runs);
      out.chat.ttftMs[p] = { p50: r1(ttft.p50Ms), p95: r1(ttft.p95Ms), runs: ttft.requests };
      log(`  ${p.padEnd(9)} chat              time to first token p50 ${out.chat.ttftMs[p]!.p50} ms, p95 ${out.chat.ttftMs[p]!.p95} ms\n`);
      const verdicts = [];
      for (const c of injectionCorpus) {
        const result = await runFeature(reviewFeature, { concerns, answers: c.answers }, { ...rt, logger: undefined });
        verdicts.push(judgeInjection(c, result, concerns, secrets));
      }
      out.injection[p] = {
        cases: verdicts.length, passed: verdicts.filter((v) => v.passed).length, modelPath: verdicts.filter((v) => v.path === 'model').length,
        failed: verdicts.filter((v) => !v.passed).map((v) => `${v.id}: ${v.problems.join('; ')}`),
      };
      log(`  ${p.padEnd(9)} injection corpus: ${out.injection[p]!.passed}/${verdicts.length} passed (${out.injection[p]!.modelPath} answered by the model)\n`);
    }
    return out;
  } finally {
    await tiny?.close();
    await fleet?.close();
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
