import type { MultipartFile } from '@fastify/multipart';
import { KonaError } from '../../platform/errors/errors.js';
import { csrfField, csrfHeader } from '../../platform/http/csrf.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { assertCsrf } from '../../platform/http/guards.js';
import { isUploadRefusal, photoStoreOf } from '../photos/photos.public.js';
import { displayFileName } from './documents.names.js';
import { checkDocumentFields, storeDocument } from './documents.service.js';
import { documentFormSchema } from './medical.schema.js';
import { staffActor } from '../../platform/http/replies.js';
import type { StaffRequest } from '../../platform/http/scopes.js';

/** What became of an upload: the document (new, or already attached), or a refusal with what was typed kept. */
export type DocumentUpload = { ok: true; id: string; duplicate: boolean } | { ok: false; status: number; message: string; form: FormState };

/** Largest document accepted, in bytes (KONA_DOCUMENT_MAX_MB). */
export function documentMaxBytes(request: StaffRequest): number {
  return request.server.kona.ctx.config.settings.KONA_DOCUMENT_MAX_MB * 1024 * 1024;
}

const cutOff = () => new KonaError('KONA_ERR_BAD_REQUEST', 'The upload was cut off or garbled before it finished. Check the connection and send the document again.');

/**
 * Reads a document upload as it streams: the fields (CSRF token, title, link) come first, as the
 * form orders them; the file is checked and stored as it arrives. A refusal drains the rest of the
 * file and keeps the typed fields for the form.
 */
export async function receiveDocument(request: StaffRequest, dogId: string): Promise<DocumentUpload> {
  let csrfChecked = request.headers[csrfHeader] !== undefined;
  const fields: Record<string, string> = {};
  let outcome: DocumentUpload | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === csrfField && !csrfChecked) {
          assertCsrf(request, String(part.value));
          csrfChecked = true;
        } else if (part.fieldname === 'title' || part.fieldname === 'link') fields[part.fieldname] = String(part.value);
        continue;
      }
      if (!csrfChecked) assertCsrf(request, undefined);
      if (part.fieldname !== 'document' || !part.filename || outcome) {
        part.file.resume();
        continue;
      }
      outcome = await receiveOne(request, dogId, part, fields);
    }
  } catch (err) {
    if (err instanceof KonaError || (err as { statusCode?: number }).statusCode) throw err;
    throw cutOff();
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  return outcome ?? { ok: false, status: 400, message: 'Choose a file to attach.', form: { values: formValues(fields), errors: { document: 'choose a file' } } };
}

async function receiveOne(request: StaffRequest, dogId: string, part: MultipartFile, fields: Record<string, string>): Promise<DocumentUpload> {
  const db = request.tenant.db.kysely;
  const parsed = parseForm(documentFormSchema, fields);
  const refuse = (status: number, message: string, errors: Record<string, string> = {}): DocumentUpload => {
    part.file.resume();
    return { ok: false, status, message, form: { values: formValues(fields), errors } };
  };
  if (!parsed.ok) return refuse(400, 'The document was not attached: see the form.', parsed.state.errors);
  const name = displayFileName(part.filename);
  try {
    await checkDocumentFields(db, dogId, parsed.data);
    const deps = { db, store: photoStoreOf(request), maxBytes: documentMaxBytes(request) };
    const stored = await storeDocument(deps, dogId, fileBytes(part), { ...parsed.data, originalName: name }, staffActor(request));
    return { ok: true, ...stored };
  } catch (err) {
    if (!isUploadRefusal(err)) throw err;
    return refuse(err.status, `${name || 'The file'} was not attached. ${err.message}`, err.options.fields);
  }
}

// Not destroyed when the reader stops early (a refusal): the rest is drained so the reply can go out.
async function* fileBytes(part: MultipartFile): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of part.file.iterator({ destroyOnReturn: false })) yield chunk as Uint8Array;
  } catch {
    throw cutOff();
  }
}
