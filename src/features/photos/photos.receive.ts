import { randomUUID } from 'node:crypto';
import { isInCareOf } from '../fosters/fosters.public.js';
import type { MultipartFile } from '@fastify/multipart';
import { KonaError } from '../../platform/errors/errors.js';
import { csrfField, csrfHeader } from '../../platform/http/csrf.js';
import { assertCsrf } from '../../platform/http/guards.js';
import { can } from '../../platform/http/permissions.js';
import { photoStoreOf, uploadMaxBytes } from './photos.store.js';
import { isUploadRefusal, storePhoto } from './photos.upload.js';
import { staffActor } from '../../platform/http/replies.js';
import type { UploadResult } from './photos.results.js';

export type { UploadResult };
import type { StaffRequest } from '../../platform/http/scopes.js';

/** Most photos one request may carry. */
export const maxFilesPerUpload = 10;


const messages = {
  approved: 'Uploaded and approved.',
  pending: 'Uploaded; it appears publicly once staff approve it.',
  rejected: 'This photo was uploaded before and rejected.',
  duplicate: 'This photo was already uploaded for this dog; nothing new was stored.',
};

/**
 * Reads a multipart upload as it streams: the CSRF token first (when the header did not carry it),
 * then each file in turn, so a refused file never stops the others.
 */
export async function receivePhotos(request: StaffRequest, dogId: string): Promise<UploadResult[]> {
  // The guard already checked the header when there was one (see csrfDeferredToRoute).
  let csrfChecked = request.headers[csrfHeader] !== undefined;
  const deps = { db: request.tenant.db.kysely, store: photoStoreOf(request), maxBytes: uploadMaxBytes(request) };
  // Staff approve on upload. A foster's photo waits for staff, and only dogs in their care take one.
  const approved = request.actor?.kind === 'staff' && can(request.actor.role, 'photos.approve');
  if (!approved && !(request.actor?.kind === 'staff' && (await isInCareOf(deps.db, dogId, request.actor.id)))) {
    throw new KonaError('KONA_ERR_FORBIDDEN', 'You can add photos only for dogs in your care.');
  }
  const results: UploadResult[] = [];
  const batch = randomUUID();
  let inFile = false;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === csrfField && !csrfChecked) {
          assertCsrf(request, part.value);
          csrfChecked = true;
        }
        continue;
      }
      if (!csrfChecked) assertCsrf(request, undefined);
      if (part.fieldname !== 'photos' || !part.filename) {
        part.file.resume();
        continue;
      }
      inFile = true;
      results.push(await receiveOne(part, (source) => storePhoto(deps, dogId, source, { actor: staffActor(request), approved, batch })));
      inFile = false;
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') {
      results.push({ name: 'More files', ok: false, status: 413, message: `At most ${maxFilesPerUpload} photos can be uploaded at once; the rest were not. Upload them in another batch.` });
    } else if (!inFile && !(err instanceof KonaError) && !(err as { statusCode?: number }).statusCode) {
      // The multipart parser's own errors (a body cut off or malformed) carry no status.
      throw cutOff();
    } else throw err;
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  return results;
}

async function receiveOne(part: MultipartFile, store: (source: AsyncIterable<Uint8Array>) => ReturnType<typeof storePhoto>): Promise<UploadResult> {
  const name = displayName(part.filename);
  try {
    const stored = await store(uploadBytes(part));
    if (part.file.truncated) throw new KonaError('KONA_ERR_PAYLOAD_TOO_LARGE', 'The file was cut short by the upload limit.');
    const message = stored.duplicate ? messages.duplicate : messages[stored.status];
    return { name, ok: true, status: 200, message, photoId: stored.photoId };
  } catch (err) {
    part.file.resume();
    if (!isUploadRefusal(err)) throw err;
    return { name, ok: false, status: err.status, message: err.message };
  }
}

function cutOff(): KonaError {
  return new KonaError('KONA_ERR_BAD_REQUEST', 'The upload was cut off or garbled before it finished. Check the connection and send the photos again.');
}

// Not destroyed when the consumer stops early (a refusal): the rest of the file is drained so the
// next part can be read. A read error is the upload's fault, not the server's.
async function* uploadBytes(part: MultipartFile): AsyncGenerator<Uint8Array> {
  const chunks = part.file.iterator({ destroyOnReturn: false });
  try {
    for await (const chunk of chunks) yield chunk as Uint8Array;
  } catch {
    throw cutOff();
  }
}

// Only for display: the last path segment, control characters dropped, shortened.
function displayName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => c >= ' ' && c !== '\u007f').join('').slice(0, 120);
  return clean || 'Unnamed file';
}
