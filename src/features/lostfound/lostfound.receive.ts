/**
 * Reads a lost-and-found search upload as it streams: the text fields, and up to three photos,
 * each checked by content and re-encoded without metadata at once. Nothing the person sent makes a
 * 5xx: a refused photo, too many files, an over-long field or a garbled body becomes a `refusal`
 * (400 or 413 with a message), and the text fields read so far are kept to show the form again.
 */
import type { FastifyRequest } from 'fastify';
import { KonaError } from '../../platform/errors/errors.js';
import { csrfField } from '../../platform/http/csrf.js';
import { assertCsrf } from '../../platform/http/guards.js';
import { formatBytes, readLimited, TooLargeError } from '../../platform/storage/index.js';
import { maxSearchPhotos } from './lostfound.schema.js';
import { cleanSearchPhoto } from './lostfound.store.js';

/** A search upload as read: the text fields, the cleaned photos, and the first refusal if any. */
export interface ReceivedSearch { fields: Record<string, string>; photos: Buffer[]; refusal?: { status: 400 | 413; message: string } }

/** Longest text field a search takes, in bytes (the multipart limit is set where the plugin is registered). */
export const maxFieldBytes = 1000;
const knownFields = new Set(['where', 'when', 'size', 'colour', 'sex']);

/** Reads the multipart body; `csrf` says whether a token must come first (rescue pages). */
export async function receiveSearch(request: FastifyRequest, options: { maxBytes: number; csrf: boolean }): Promise<ReceivedSearch> {
  const out: ReceivedSearch = { fields: {}, photos: [] };
  const refuse = (status: 400 | 413, message: string) => { out.refusal ??= { status, message }; };
  // The access guard checked the token already unless this is a multipart body without the header.
  let csrfChecked = !options.csrf || request.headers['x-csrf-token'] !== undefined || !request.isMultipart();
  if (!request.isMultipart()) {
    // A form sent without its photos (an old browser, a script): keep what was typed.
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const name of knownFields) if (typeof body[name] === 'string') out.fields[name] = body[name];
    refuse(400, 'Send the form with its photos (multipart/form-data).');
    return out;
  }
  try {
    const parts = request.parts();
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === csrfField) {
          if (!csrfChecked) assertCsrf(request, part.value);
          csrfChecked = true;
        } else if (knownFields.has(part.fieldname) && typeof part.value === 'string') {
          if (part.valueTruncated) refuse(413, `The “${part.fieldname}” field is longer than ${maxFieldBytes} bytes.`);
          else out.fields[part.fieldname] = part.value;
        }
        continue;
      }
      if (!csrfChecked) assertCsrf(request, undefined);
      if (part.fieldname !== 'photos' || !part.filename) {
        part.file.resume();
        continue;
      }
      try {
        // Not destroyed when readLimited stops early: the rest is drained so the next part can be read.
        const bytes = await readLimited(part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>, options.maxBytes);
        if (part.file.truncated) throw new TooLargeError(options.maxBytes);
        if (bytes.byteLength === 0) throw new KonaError('KONA_ERR_BAD_REQUEST', 'One of the files was empty.');
        out.photos.push(await cleanSearchPhoto(bytes));
      } catch (err) {
        part.file.resume();
        if (err instanceof TooLargeError) refuse(413, `A photo is larger than the ${formatBytes(options.maxBytes)} limit. Choose a smaller one.`);
        else if (err instanceof KonaError && err.status < 500) refuse(err.status === 413 ? 413 : 400, `A file could not be used: ${err.message}`);
        else refuse(400, 'A file could not be read as a photo. Use a JPEG, PNG, WebP or HEIC photo.');
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (err instanceof KonaError && err.code === 'KONA_ERR_CSRF') throw err;
    if (code === 'FST_FILES_LIMIT') refuse(413, `At most ${maxSearchPhotos} photos can be searched at once.`);
    else if (code === 'FST_REQ_FILE_TOO_LARGE') refuse(413, `A photo is larger than the ${formatBytes(options.maxBytes)} limit. Choose a smaller one.`);
    else if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') refuse(400, 'Send the form with its photos (multipart/form-data).');
    else refuse(400, 'The upload was cut off or garbled before it finished. Send the photos again.');
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  if (!out.refusal && out.photos.length === 0) refuse(400, 'Choose at least one photo of the dog (up to three).');
  return out;
}
