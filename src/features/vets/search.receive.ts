/**
 * Reads a vet's search as it streams: the text fields and at most one photo, checked by content
 * and re-encoded at once without metadata (the photo is used for this search only and never
 * stored). A form without a photo may come urlencoded. Nothing the vet sends makes a 5xx: a refused
 * photo, a second file, an over-long field or a garbled body becomes a `refusal` (400 or 413),
 * and the fields read so far are kept to show the form again.
 */
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import sharp from 'sharp';
import { KonaError } from '../../platform/errors/errors.js';
import { csrfField } from '../../platform/http/csrf.js';
import { assertCsrf } from '../../platform/http/guards.js';
import { defaultMaxPixels, detectImageType } from '../../platform/images/index.js';
import { formatBytes, readLimited, TooLargeError } from '../../platform/storage/index.js';
import { vetSearchFields } from './search.schema.js';

/** A search as read: the text fields, the cleaned photo if one came, and the first refusal if any. */
export interface ReceivedVetSearch { fields: Record<string, string>; photo?: Buffer; refusal?: { status: 400 | 413; message: string } }

/** Longest text field the search takes, in bytes (the multipart limit is set where the plugin is registered). */
export const maxVetFieldBytes = 400;
const known = new Set<string>(vetSearchFields);

/** Checks an upload by content (type, pixel limit) and returns it upright, re-encoded, without metadata. */
export async function cleanVetPhoto(bytes: Buffer): Promise<Buffer> {
  await detectImageType(bytes);
  return sharp(bytes, { limitInputPixels: defaultMaxPixels }).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 85 }).toBuffer();
}

/** Reads the body; a multipart body's CSRF token is checked here, before any file is read. */
export async function receiveVetSearch(request: FastifyRequest, maxBytes: number): Promise<ReceivedVetSearch> {
  const out: ReceivedVetSearch = { fields: {} };
  const refuse = (status: 400 | 413, message: string) => { out.refusal ??= { status, message }; };
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const name of known) if (typeof body[name] === 'string') out.fields[name] = body[name];
    return out;
  }
  // The access guard checked the token already when it came as a header.
  let csrfChecked = request.headers['x-csrf-token'] !== undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === csrfField) {
          if (!csrfChecked) assertCsrf(request, part.value);
          csrfChecked = true;
        } else if (known.has(part.fieldname) && typeof part.value === 'string') {
          if (part.valueTruncated) refuse(413, `The \u201c${part.fieldname}\u201d field is longer than ${maxVetFieldBytes} bytes.`);
          else out.fields[part.fieldname] = part.value;
        }
        continue;
      }
      if (!csrfChecked) assertCsrf(request, undefined);
      // A form sent with no file chosen still has an empty file part.
      if (part.fieldname !== 'photo' || !part.filename) {
        part.file.resume();
        continue;
      }
      await readPhoto(part, maxBytes, out, refuse);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (err instanceof KonaError && err.code === 'KONA_ERR_CSRF') throw err;
    if (code === 'FST_FILES_LIMIT') refuse(413, 'A search takes one photo.');
    else if (code === 'FST_REQ_FILE_TOO_LARGE') refuse(413, `The photo is larger than the ${formatBytes(maxBytes)} limit. Choose a smaller one.`);
    else if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') refuse(400, 'The form could not be read. Send it again from the search page.');
    else refuse(400, 'The upload was cut off or garbled before it finished. Send the search again.');
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  return out;
}

async function readPhoto(part: MultipartFile, maxBytes: number, out: ReceivedVetSearch, refuse: (status: 400 | 413, message: string) => void): Promise<void> {
  try {
    if (out.photo) throw new KonaError('KONA_ERR_PAYLOAD_TOO_LARGE', 'A search takes one photo.');
    // Not destroyed when readLimited stops early: the rest is drained so the next part can be read.
    const bytes = await readLimited(part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>, maxBytes);
    if (part.file.truncated) throw new TooLargeError(maxBytes);
    if (bytes.byteLength === 0) throw new KonaError('KONA_ERR_BAD_REQUEST', 'The file was empty.');
    out.photo = await cleanVetPhoto(bytes);
  } catch (err) {
    part.file.resume();
    if (err instanceof TooLargeError) refuse(413, `The photo is larger than the ${formatBytes(maxBytes)} limit. Choose a smaller one.`);
    else if (err instanceof KonaError && err.status < 500) refuse(err.status === 413 ? 413 : 400, `The photo could not be used: ${err.message}`);
    else refuse(400, 'The file could not be read as a photo. Use a JPEG, PNG, WebP or HEIC photo.');
  }
}
