import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { h } from 'preact';
import { systemClock } from '../../platform/clock/clock.js';
import type { AppContext } from '../../platform/http/context.js';
import { KonaError } from '../../platform/errors/errors.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { sendPage } from '../../platform/http/replies.js';
import { inVetScope, type VetRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { serveBlob } from '../../platform/images/index.js';
import { mapActiveTenants } from '../../platform/tenancy/fan-out.js';
import { dispatcherEmbedders, embedderFor, inCareStatuses } from '../matching/matching.public.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { recordVetSearch, takeVetSearch } from './search.audit.js';
import { selectShownPhoto, selectVetSearchSetting } from './search.queries.js';
import { maxVetFieldBytes, receiveVetSearch } from './search.receive.js';
import { assertVerifiedVet, refusedRef, verifyCandidateRef } from './search.ref.js';
import { vetSearchFields, vetSearchSchema } from './search.schema.js';
import { queryOf, rankVetCandidates, searchRescueForVet, signalsOf, type VetRescueResult } from './search.service.js';
import { VetSearchPage } from './search.views.js';
import { rescueNamedByRecord } from '../../platform/tenancy/fan-out.js';

/** Rescues one search reaches at once. */
export const vetFanOutConcurrency = 4;
const nowOf = (ctx: AppContext) => (ctx.clock ?? systemClock).now();

/** The vet's clinic area, the search form's default. */
async function clinicArea(ctx: AppContext, vetId: string): Promise<string> {
  return (await ctx.control.kysely.selectFrom('vets').select('clinic_area').where('id', '=', vetId).executeTakeFirst())?.clinic_area ?? '';
}

/** GET/POST /vet/search (verified vets) and the candidates' photos, GET /vet/photo?ref=. */
export const vetSearchRoutes = inVetScope(async (app) => {
  const { ctx, page } = app.kona;
  const maxBytes = ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024;
  // Two files allowed through, so a second one is refused with words rather than cut silently.
  await app.fastify.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxBytes + 1, files: 2, fields: 10, fieldSize: maxVetFieldBytes, parts: 12 } });
  const show = (request: VetRequest, reply: FastifyReply, status: number, form: FormState, message?: string, outcome?: Parameters<typeof VetSearchPage>[0]['outcome']) =>
    sendPage(reply.header('cache-control', 'no-store'), status, h(VetSearchPage, { ctx: page(request, 'vet'), form, message, outcome }));

  app.get('/search', { config: { permission: 'vet' } }, async (request, reply) => {
    assertVerifiedVet(request.actor);
    return show(request, reply, 200, { values: { area: await clinicArea(ctx, request.actor.id) }, errors: {} });
  });

  app.post('/search', { config: { permission: 'vet', csrf: 'in-route' } }, async (request, reply) => {
    assertVerifiedVet(request.actor);
    const received = await receiveVetSearch(request, maxBytes);
    const typed: FormState = { values: formValues(received.fields), errors: {} };
    if (received.refusal) return show(request, reply, received.refusal.status, typed, received.refusal.message);
    const parsed = parseForm(vetSearchSchema, received.fields);
    if (!parsed.ok) return show(request, reply, 400, parsed.state, 'The search was not made: check the fields marked below.');
    const v = parsed.data;
    if (!received.photo && !v.microchip && !v.breed) {
      return show(request, reply, 400, { values: typed.values, errors: { form: 'give a microchip number, a photo or a breed (sex, age and area only narrow a search)' } }, 'The search was not made: it needs something to look for.');
    }
    const now = nowOf(ctx);
    try {
      await takeVetSearch(ctx.control.kysely, ctx.secrets.keyRing, request.actor.id, request.ip, now);
    } catch (err) {
      if (!(err instanceof KonaError) || err.code !== 'KONA_ERR_RATE_LIMITED') throw err;
      reply.header('retry-after', String(err.options.retryAfterSeconds ?? 3600));
      return show(request, reply, 429, typed, err.message);
    }
    const embedder = received.photo ? embedderFor(ctx.config.settings.KONA_MATCHING_MODEL, dispatcherEmbedders(() => ctx.inference, 'interactive')) : undefined;
    const vector = received.photo && embedder ? await embedder.embed(received.photo) : undefined;
    const q = queryOf(v, embedder?.modelId ?? '', now, vector);
    const vet = { id: request.actor.id, secret: ctx.secrets.sessionSecret, now };
    const { results } = await mapActiveTenants(ctx.control.kysely, ctx.tenants, vetFanOutConcurrency, (t) => searchRescueForVet(t, q, vet));
    const reached = results.filter((r): r is VetRescueResult => r !== undefined);
    const { shown, byRescue } = rankVetCandidates(reached);
    const signals = signalsOf(q);
    await recordVetSearch({ control: ctx.control.kysely, tenants: ctx.tenants, keyRing: ctx.secrets.keyRing },
      { vetId: request.actor.id, signals, chip: q.chip, modelId: embedder?.modelId, rescuesSearched: reached.length, shown: shown.length, byRescue });
    // The chip number is not echoed back into the page.
    const values = Object.fromEntries(vetSearchFields.filter((f) => f !== 'microchip').map((f) => [f, typed.values[f] ?? '']));
    return show(request, reply, 200, { values, errors: {} }, undefined, {
      candidates: shown, signals, searched: reached.length, unavailable: reached.filter((r) => r.unavailable).length, ...(embedder ? { modelId: embedder.modelId } : {}),
    });
  });

  // A candidate's photo: the reference names the rescue and dog for this vet; the dog must still be
  // in care at a rescue that lets vets search. Private to the vet's browser.
  const privateCache = async (_request: unknown, reply: FastifyReply, payload: unknown) => { reply.header('cache-control', 'private, max-age=300'); return payload; };
  // The reference rides in the query: it is longer than a path parameter may be.
  app.get<{ Querystring: { ref?: string } }>('/photo', { config: { permission: 'vet', frame: false }, onSend: privateCache }, async (request, reply) => {
    assertVerifiedVet(request.actor);
    if (!request.query.ref) throw new KonaError('KONA_ERR_NOT_FOUND', 'That photo is not available.');
    const ref = verifyCandidateRef(ctx.secrets.sessionSecret, request.actor.id, request.query.ref, nowOf(ctx));
    const handle = await rescueNamedByRecord(ctx.tenants, ref.tenant);
    if (!handle || !(await selectVetSearchSetting(handle.db.kysely)).on) throw refusedRef();
    const key = await selectShownPhoto(handle.db.kysely, ref.dogId, inCareStatuses);
    if (!key) throw new KonaError('KONA_ERR_NOT_FOUND', 'That photo is not available.');
    return serveBlob(request, reply, { store: photoStoreFor(ctx.config.uploadsDir, ref.tenant), key, contentType: 'image/jpeg', referenced: true });
  });
});
