import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { wantsJson } from '../../platform/http/errors.js';
import { parseForm } from '../../platform/http/forms.js';
import { serveBlob } from '../../platform/images/index.js';
import { maxFilesPerUpload, receivePhotos, type UploadResult } from './photos.receive.js';
import { selectPhoto, selectVariantsBySha } from './photos.queries.js';
import { altTextSchema, confirmDeleteSchema, moveSchema, photoParamsSchema, servedPhotoParamsSchema } from './photos.schema.js';
import { deletePhoto } from './photos.delete.js';
import { approvePhoto, makePrimaryPhoto, movePhoto, rejectPhoto, setPhotoAltText } from './photos.service.js';
import { isVariantFile, photoStoreOf, variantContentType } from './photos.store.js';
import { isRefusal, staffActor } from '../../platform/http/replies.js';
import { dogIdOf, dogInScope, dogScopeOf, dogShownPublicly, getDog, type DogPage } from '../dogs/dogs.public.js';
import { inTenantScope, type StaffRequest, type TenantRequest, type TenantScope } from '../../platform/http/scopes.js';
import { uploadResultsKey } from './photos.panels.public.js';
import { pendingPhotosRoute } from './photos.pending.js';

const db = (request: TenantRequest) => request.tenant.db.kysely;

/**
 * Serves one variant of a photo found by its original's sha: to a member any photo of a dog they may
 * reach (a foster only their own dogs'), to the public only an approved photo of a dog shown publicly
 * (the dogs feature's rule), so a dog taken off the site takes its photos with it, revalidations included.
 */
async function serveVariant(request: TenantRequest, reply: FastifyReply, audience: 'public' | 'staff') {
  const parsed = servedPhotoParamsSchema.safeParse(request.params);
  if (!parsed.success || !isVariantFile(parsed.data.variant)) throw notFound('That photo');
  const scope = audience === 'staff' && request.actor?.kind === 'staff' ? dogScopeOf(request.actor) : undefined;
  const memberDogs = scope && !scope.all ? dogInScope(scope) : undefined;
  const row = await selectVariantsBySha(db(request), parsed.data.sha, audience === 'public' ? dogShownPublicly : undefined, memberDogs);
  const key = row?.variants[parsed.data.variant];
  if (!key) throw notFound('That photo');
  // The row just read references the variant, so a revalidation needs no disk check (serveBlob).
  return serveBlob(request, reply, { store: photoStoreOf(request), key, contentType: variantContentType(parsed.data.variant), referenced: true });
}

/** The status a batch answers with: 200 when anything was stored, else the first refusal's. */
function batchStatus(results: UploadResult[]): number {
  if (results.some((r) => r.ok)) return 200;
  return results[0]?.status ?? 400;
}

/**
 * What other features do when a photo's review changes, wired by the composition root (photo
 * matching embeds an approved photo and forgets a rejected one). A failing hook never undoes the
 * review: it is logged, and matching's periodic re-embed catches up.
 */
export interface PhotoHooks {
  photoApproved?: (request: StaffRequest, dogId: string, photoId: string) => Promise<void>;
  photoRejected?: (request: StaffRequest, dogId: string, photoId: string) => Promise<void>;
}

async function runHook(request: StaffRequest, hook: PhotoHooks[keyof PhotoHooks], dogId: string, photoId: string): Promise<void> {
  if (!hook) return;
  await hook(request, dogId, photoId).catch((err: unknown) => request.log.warn({ err: (err as Error).name }, 'a photo review hook failed'));
}

function uploadRoutes(app: TenantScope, dogPage: DogPage, hooks: PhotoHooks): void {
  // CSRF is checked in the route (receivePhotos) before any file is read: the body streams.
  app.post('/hub/dogs/:id/photos', { config: { permission: 'photos.upload', csrf: 'in-route' } }, async (request, reply) => {
    const dogId = dogIdOf(request);
    if (!request.isMultipart()) throw new KonaError('KONA_ERR_BAD_REQUEST', 'Send photos with the upload form (multipart/form-data).');
    await getDog(db(request), dogId);
    const results = await receivePhotos(request, dogId);
    if (results.length === 0) results.push({ name: 'No file', ok: false, status: 400, message: 'Choose at least one photo to upload.' });
    // Staff uploads are approved at once: tell the hook about each stored photo that is.
    for (const r of results) {
      if (r.ok && r.photoId && (await selectPhoto(db(request), dogId, r.photoId))?.status === 'approved') await runHook(request, hooks.photoApproved, dogId, r.photoId);
    }
    const status = batchStatus(results);
    if (wantsJson(request)) return reply.code(status).send({ results });
    return dogPage.show(request, reply, dogId, status, { state: { [uploadResultsKey]: results } });
  });
}

type PhotoAction = (request: StaffRequest, dogId: string, photoId: string) => Promise<unknown>;

function actionRoute(app: TenantScope, dogPage: DogPage, name: string, permission: 'photos.approve' | 'photos.upload', done: string, action: PhotoAction): void {
  app.post(`/hub/dogs/:id/photos/:photoId/${name}`, { config: { permission } }, async (request, reply) => {
    const dogId = dogIdOf(request);
    const params = photoParamsSchema.safeParse(request.params);
    if (!params.success) throw notFound('That photo');
    try {
      await action(request, dogId, params.data.photoId);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return dogPage.show(request, reply, dogId, err.status, { message: err.message });
    }
    return reply.redirect(`${request.basePath}/hub/dogs/${dogId}?done=${done}#photos`, 303);
  });
}

function formOrRefuse<T>(result: { ok: true; data: T } | { ok: false; state: { errors: Record<string, string> } }, what: string): T {
  if (result.ok) return result.data;
  throw new KonaError('KONA_ERR_VALIDATION', `${what}: ${Object.entries(result.state.errors).map(([k, v]) => `${k} ${v}`).join('; ')}.`);
}

/** Dog photos: upload, review, order and alt text in the hub; variants served publicly once approved, while the dog is shown. */
export const photosRoutes = (dogPage: DogPage, hooks: PhotoHooks = {}) => inTenantScope(async (app) => {
  const maxBytes = app.kona.ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024;
  // Registered in this scope only: no other route accepts multipart. fileSize sits one byte above
  // the limit so putStream, which counts while writing, is what refuses an oversized file.
  await app.fastify.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: maxBytes + 1, files: maxFilesPerUpload, fields: 5, fieldSize: 1024, parts: maxFilesPerUpload + 5 } });

  uploadRoutes(app, dogPage, hooks);
  pendingPhotosRoute(app);
  actionRoute(app, dogPage, 'approve', 'photos.approve', 'photo-approved', async (r, dogId, id) => {
    await approvePhoto(db(r), dogId, id, staffActor(r));
    await runHook(r, hooks.photoApproved, dogId, id);
  });
  actionRoute(app, dogPage, 'reject', 'photos.approve', 'photo-rejected', async (r, dogId, id) => {
    await rejectPhoto(db(r), dogId, id, staffActor(r));
    await runHook(r, hooks.photoRejected, dogId, id);
  });
  actionRoute(app, dogPage, 'primary', 'photos.approve', 'photo-primary', (r, dogId, id) => makePrimaryPhoto(db(r), dogId, id, staffActor(r)));
  actionRoute(app, dogPage, 'move', 'photos.approve', 'photo-moved', (r, dogId, id) =>
    movePhoto(db(r), dogId, id, formOrRefuse(parseForm(moveSchema, r.body), 'The photo was not moved').direction, staffActor(r)));
  // Deleting asks for a ticked confirmation box (no script needed): the photo and, unless shared, its files go for good.
  actionRoute(app, dogPage, 'delete', 'photos.approve', 'photo-deleted', async (r, dogId, id) => {
    formOrRefuse(parseForm(confirmDeleteSchema, r.body), 'The photo was not deleted');
    await deletePhoto({ db: db(r), store: photoStoreOf(r) }, dogId, id, staffActor(r));
  });
  actionRoute(app, dogPage, 'alt', 'photos.upload', 'photo-alt', (r, dogId, id) =>
    setPhotoAltText(db(r), dogId, id, formOrRefuse(parseForm(altTextSchema, r.body), 'The alt text was not saved').alt_text, staffActor(r)));

  app.get('/photos/:sha/:variant', { config: { permission: 'public', frame: false } }, (request, reply) => serveVariant(request, reply, 'public'));
  // Pending photos are shown to staff for review: never stored by a shared cache.
  app.get('/hub/photos/:sha/:variant', {
    config: { permission: 'dogs.view', frame: false },
    onSend: async (_request, reply, payload) => {
      if (reply.statusCode === 200 || reply.statusCode === 304) reply.header('cache-control', 'private, max-age=3600');
      return payload;
    },
  }, (request, reply) => serveVariant(request, reply, 'staff'));
});
