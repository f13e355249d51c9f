import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { h } from 'preact';
import { systemClock } from '../../platform/clock/clock.js';
import { addressKey } from '../../platform/auth/login-throttle.js';
import type { AppContext } from '../../platform/http/context.js';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { accessGuard } from '../../platform/http/guards.js';
import { inTenantScope, type TenantRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { renderPage, type PageContext } from '../../platform/http/views/layout.js';
import { mapActiveTenants } from '../../platform/tenancy/fan-out.js';
import { serveBlob } from '../../platform/images/index.js';
import { dispatcherEmbedders, embedderFor, inCareStatuses } from '../matching/matching.public.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { sendContact } from './lostfound.contact.js';
import { SearchLimiter } from './lostfound.limits.js';
import { selectDogByPhotoKey, selectTakesPart } from './lostfound.queries.js';
import { maxFieldBytes, receiveSearch } from './lostfound.receive.js';
import { contactParamsSchema, contactSchema, maxSearchPhotos, searchSchema } from './lostfound.schema.js';
import { rankCandidates, searchRescue, type RescueResult, type SearchedRescue } from './lostfound.search.js';
import { keepSearchPhoto } from './lostfound.store.js';
import { ContactPage, SearchPage, SentPage, type SearchOutcome } from './lostfound.views.js';

/** Rescues the root page searches at once. */
export const fanOutConcurrency = 4;
const open = { config: { permission: 'public' as const, csrf: 'in-route' as const } };
const html = (reply: FastifyReply, status: number, page: h.JSX.Element) => reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(renderPage(page));

// One limiter per process, shared by the root page and every rescue's page.
const limiters = new WeakMap<AppContext, SearchLimiter>();
const limiterOf = (ctx: AppContext) => limiters.get(ctx) ?? limiters.set(ctx, new SearchLimiter()).get(ctx)!;
const nowOf = (ctx: AppContext) => (ctx.clock ?? systemClock).now();

async function registerMultipart(app: FastifyInstance, ctx: AppContext) {
  const maxBytes = ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024;
  await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxBytes + 1, files: maxSearchPhotos, fields: 10, fieldSize: maxFieldBytes, parts: maxSearchPhotos + 10 } });
  return maxBytes;
}

/**
 * One search: the upload read and checked, each photo kept for the retention period, described by
 * the embedder in use and searched in `rescues` (which runs the per-rescue step). A refusal shows
 * the form again with what was typed.
 */
async function search(request: FastifyRequest, reply: FastifyReply, p: { ctx: AppContext; page: PageContext; action: string; scope: string; maxBytes: number; csrf: boolean;
  rescues: (step: (r: SearchedRescue) => Promise<RescueResult | undefined>) => Promise<(RescueResult | undefined)[]> }) {
  const show = (status: number, form: FormState, message?: string, outcome?: SearchOutcome) =>
    html(reply, status, h(SearchPage, { ctx: p.page, action: p.action, scope: p.scope, form, message, outcome }));
  const received = await receiveSearch(request, { maxBytes: p.maxBytes, csrf: p.csrf });
  const typed = { values: formValues(received.fields), errors: {} };
  if (received.refusal) return show(received.refusal.status, typed, received.refusal.message);
  const parsed = parseForm(searchSchema, received.fields);
  if (!parsed.ok) return show(400, parsed.state, 'The search was not made: check the fields marked below.');
  const now = nowOf(p.ctx);
  try {
    limiterOf(p.ctx).take(addressKey(p.ctx.secrets.keyRing, `lostfound-search:${request.ip}`), now);
  } catch (err) {
    if (!(err instanceof KonaError)) throw err;
    reply.header('retry-after', String(err.options.retryAfterSeconds ?? 3600));
    return show(429, typed, err.message);
  }
  const embedder = embedderFor(p.ctx.config.settings.KONA_MATCHING_MODEL, dispatcherEmbedders(() => p.ctx.inference, 'interactive'));
  const vectors: number[][] = [];
  for (const photo of received.photos) {
    await keepSearchPhoto(p.ctx.config.uploadsDir, now, photo);
    vectors.push(await embedder.embed(photo));
  }
  const results = (await p.rescues((r) => searchRescue(r, embedder, vectors))).filter((r): r is RescueResult => r !== undefined);
  const outcome: SearchOutcome = { candidates: rankCandidates(results), modelId: embedder.modelId, searched: results.filter((r) => !r.unavailable).length, unavailable: results.filter((r) => r.unavailable).map((r) => r.name) };
  return show(200, typed, undefined, outcome);
}

/** The cross-rescue page at the root: `/lost-and-found` searches every active rescue that takes part. */
export const rootLostFoundRoutes: FastifyPluginAsync = async (app) => {
  const { ctx, page } = app.kona;
  const maxBytes = await registerMultipart(app, ctx);
  // The root has no rescue scope to check tokens for it: the same guard runs here, in this plugin's
  // scope only, so the form carries a CSRF token like every other form that changes something.
  app.addHook('preHandler', accessGuard(ctx));
  const action = '/lost-and-found';
  const scope = 'every rescue on this site that takes part';
  app.get(action, { config: { permission: 'public' } }, async (request, reply) => html(reply, 200, h(SearchPage, { ctx: page(request), action, scope, form: { values: {}, errors: {} } })));
  app.post(action, open, async (request, reply) =>
    search(request, reply, { ctx, page: page(request), action, scope, maxBytes, csrf: true,
      rescues: async (step) => (await mapActiveTenants(ctx.control.kysely, ctx.tenants, fanOutConcurrency, step)).results }));
};

/** A rescue's own page (`/r/<slug>/lost-and-found`, its dogs only) and the message form about a candidate. */
export const lostFoundRoutes = inTenantScope(async (app) => {
  const { page, ctx } = app.kona;
  const maxBytes = await registerMultipart(app.fastify, ctx);
  const rescueOf = (request: TenantRequest): SearchedRescue => ({ slug: request.tenant.slug, name: request.rescueName ?? request.tenant.name, db: request.tenant.db.kysely });
  const frame = (request: TenantRequest) => ({ ...page(request), rescueName: request.rescueName ?? request.tenant.name });
  const searchPage = (request: TenantRequest) => ({ action: `${request.basePath}/lost-and-found`, scope: request.rescueName ?? request.tenant.name });
  const notTakingPart = () => new KonaError('KONA_ERR_NOT_FOUND', 'This rescue does not take part in the lost-and-found search. The root site\u2019s lost-and-found page searches the rescues that do.');
  const assertTakesPart = async (request: TenantRequest) => { if (!(await selectTakesPart(request.tenant.db.kysely)).takesPart) throw notTakingPart(); };

  app.get('/lost-and-found', { config: { permission: 'public' } }, async (request, reply) => {
    await assertTakesPart(request);
    return html(reply, 200, h(SearchPage, { ctx: frame(request), ...searchPage(request), form: { values: {}, errors: {} } }));
  });
  app.post('/lost-and-found', open, async (request, reply) => {
    await assertTakesPart(request);
    return search(request, reply, { ctx, page: frame(request), ...searchPage(request), maxBytes, csrf: true, rescues: async (step) => [await step(rescueOf(request))] });
  });

  const dogOf = async (request: TenantRequest) => {
    const params = contactParamsSchema.safeParse(request.params);
    const dog = params.success && (await selectTakesPart(request.tenant.db.kysely)).takesPart ? await selectDogByPhotoKey(request.tenant.db.kysely, params.data.photoKey, inCareStatuses) : undefined;
    if (!dog) throw new KonaError('KONA_ERR_NOT_FOUND', 'This dog is no longer in the rescue\u2019s care or cannot be asked about here. Search again from the lost-and-found page.');
    return { id: dog.id, name: dog.name, photoKey: dog.sha256 };
  };
  const contactPage = (request: TenantRequest, reply: FastifyReply, status: number, dog: { name: string; photoKey: string }, form: FormState, message?: string) =>
    html(reply, status, h(ContactPage, { ctx: frame(request), dog, form, message }));

  app.get('/lost-and-found/contact/:photoKey', { config: { permission: 'public' } }, async (request, reply) => contactPage(request, reply, 200, await dogOf(request), { values: {}, errors: {} }));
  app.post('/lost-and-found/contact/:photoKey', { config: { permission: 'public' } }, async (request, reply) => {
    const dog = await dogOf(request);
    const parsed = parseForm(contactSchema, request.body);
    if (!parsed.ok) return contactPage(request, reply, 400, dog, parsed.state, 'The message was not sent: check the fields marked below.');
    const settings = await selectTakesPart(request.tenant.db.kysely);
    const rescueName = request.rescueName ?? request.tenant.name;
    try {
      await sendContact({ database: request.tenant.db, keyRing: ctx.secrets.keyRing, jobs: ctx.jobs, rescueName, contactEmail: settings.contactEmail, now: nowOf(ctx) }, dog, parsed.data, request.ip);
    } catch (err) {
      if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_RATE_LIMITED') throw err;
      reply.header('retry-after', String(err.options.retryAfterSeconds ?? 3600));
      return contactPage(request, reply, 429, dog, { values: formValues(request.body), errors: {} }, err.message);
    }
    return reply.redirect(`${request.basePath}/lost-and-found/sent?dog=${encodeURIComponent(dog.photoKey)}`, 303);
  });
  // A candidate's photo (the medium JPEG variant: upright, no metadata), for any dog in care, since
  // a found stray is usually not yet on the public listing whose photo route serves only listed dogs.
  app.get('/lost-and-found/photo/:photoKey', { config: { permission: 'public', frame: false } }, async (request, reply) => {
    const params = contactParamsSchema.safeParse(request.params);
    const takesPart = (await selectTakesPart(request.tenant.db.kysely)).takesPart;
    const dog = params.success && takesPart ? await selectDogByPhotoKey(request.tenant.db.kysely, params.data.photoKey, inCareStatuses) : undefined;
    const key = dog?.variants['medium.jpg'];
    if (!key) throw new KonaError('KONA_ERR_NOT_FOUND', 'That photo is not available.');
    return serveBlob(request, reply, { store: photoStoreFor(ctx.config.uploadsDir, request.tenant.slug), key, contentType: 'image/jpeg', referenced: true });
  });
  app.get('/lost-and-found/sent', { config: { permission: 'public' } }, async (request, reply) => {
    const key = (request.query as { dog?: unknown }).dog;
    const dog = typeof key === 'string' && /^[0-9a-f]{64}$/.test(key) ? await selectDogByPhotoKey(request.tenant.db.kysely, key, inCareStatuses) : undefined;
    return html(reply, 200, h(SentPage, { ctx: frame(request), dogName: dog?.name ?? 'the dog' }));
  });
});
