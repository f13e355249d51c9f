import multipart from '@fastify/multipart';
import { systemClock } from '../../platform/clock/clock.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import { csrfField, csrfHeader } from '../../platform/http/csrf.js';
import { assertCsrf } from '../../platform/http/guards.js';
import { staffActor } from '../../platform/http/replies.js';
import { inTenantScope, type StaffRequest, type TenantRequest } from '../../platform/http/scopes.js';
import { ImageTooLargeError, serveBlob } from '../../platform/images/index.js';
import { readLimited, TooLargeError } from '../../platform/storage/index.js';
import { logoFiles, logoIcon, logoKey, logoMaxBytes, logoStoreFor, removeLogo, saveLogo } from './settings.logo.js';
import { showSettings } from './settings.routes.js';

const storeOf = (request: TenantRequest) => logoStoreFor(request.server.kona.ctx.config.uploadsDir, request.tenant.slug);

/** The rescue's icon for /favicon.ico (wired into the site's icon route in apps/routes.ts). */
export const rescueLogoIcon = (request: TenantRequest) => logoIcon(request.tenant.db.kysely, storeOf(request));

// Reads the multipart body: the CSRF token first (unless the header carried it), then the one file.
async function receiveLogo(request: StaffRequest): Promise<Buffer | undefined> {
  let csrfChecked = request.headers[csrfHeader] !== undefined;
  let bytes: Buffer | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === csrfField && !csrfChecked) {
        assertCsrf(request, part.value);
        csrfChecked = true;
      }
      continue;
    }
    if (!csrfChecked) assertCsrf(request, undefined);
    if (part.fieldname !== 'logo' || !part.filename || bytes) {
      part.file.resume();
      continue;
    }
    bytes = await readLimited(part.file, logoMaxBytes);
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  return bytes;
}

/** Uploading and removing the logo (hub), and serving it (public, bytes only). */
export const settingsLogoRoutes = inTenantScope(async (app) => {
  const { ctx } = app.kona;
  await app.fastify.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: logoMaxBytes + 1, files: 1, fields: 3, fieldSize: 1024, parts: 4 } });
  const now = () => new Date((ctx.clock ?? systemClock).now());

  app.post('/hub/settings/logo', { config: { permission: 'settings.manage', csrf: 'in-route' } }, async (request, reply) => {
    if (!request.isMultipart()) throw new KonaError('KONA_ERR_BAD_REQUEST', 'Send the logo with the upload form (multipart/form-data).');
    let bytes: Buffer | undefined;
    try {
      bytes = await receiveLogo(request);
      if (!bytes || bytes.length === 0) return showSettings(request, reply, 400, undefined, { logoError: 'Choose an image file for the logo.' });
      await saveLogo(request.tenant.db.kysely, storeOf(request), bytes, staffActor(request), now());
    } catch (err) {
      if (err instanceof TooLargeError) return showSettings(request, reply, 413, undefined, { logoError: err.message });
      if (err instanceof ImageTooLargeError || (err instanceof KonaError && err.code === 'KONA_ERR_UNSUPPORTED_MEDIA_TYPE')) return showSettings(request, reply, 400, undefined, { logoError: err.message });
      throw err;
    }
    return reply.redirect(`${request.basePath}/hub/settings?done=logo`, 303);
  });

  app.post('/hub/settings/logo/remove', { config: { permission: 'settings.manage' } }, async (request, reply) => {
    await removeLogo(request.tenant.db.kysely, staffActor(request), now());
    return reply.redirect(`${request.basePath}/hub/settings?done=logo-removed`, 303);
  });

  for (const [file, variant] of Object.entries(logoFiles)) {
    app.get(`/${file}`, { config: { permission: 'public', frame: false } }, async (request, reply) => {
      const key = await logoKey(request.tenant.db.kysely, variant);
      if (!key) throw notFound('The logo');
      return serveBlob(request, reply, { store: storeOf(request), key, contentType: file.endsWith('.webp') ? 'image/webp' : 'image/png', referenced: true });
    });
  }
});
