import type { MultipartFile } from '@fastify/multipart';
import { KonaError } from '../../platform/errors/errors.js';
import { csrfField, csrfHeader } from '../../platform/http/csrf.js';
import { formValues, parseForm } from '../../platform/http/forms.js';
import { assertCsrf } from '../../platform/http/guards.js';
import type { VetRequest } from '../../platform/http/scopes.js';
import type { FormState } from '../../platform/http/views/forms.js';
import { displayFileName } from '../medical/medical.public.js';
import { isUploadRefusal } from '../photos/photos.public.js';
import type { GrantRow } from './grants.js';
import { storeVetUpload, uploadFieldsSchema, type VetUploadDeps } from './uploads.js';

/** What became of a vet's upload: stored (or already sent), or refused with what was typed kept. */
export type VetUploadOutcome = { ok: true; id: string; duplicate: boolean } | { ok: false; status: number; message: string; form: FormState };

const cutOff = () => new KonaError('KONA_ERR_BAD_REQUEST', 'The upload was cut off or garbled before it finished. Check the connection and send the document again.');

/**
 * Reads the vet's upload form as it streams: the CSRF token and the title come first (the form
 * orders them so), then the one file, checked and stored as it arrives. A refusal drains the rest
 * and keeps the title for the form.
 */
export async function receiveVetUpload(request: VetRequest, deps: VetUploadDeps, grant: GrantRow, dogName: string): Promise<VetUploadOutcome> {
  let csrfChecked = request.headers[csrfHeader] !== undefined;
  const fields: Record<string, string> = {};
  let outcome: VetUploadOutcome | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === csrfField && !csrfChecked) {
          assertCsrf(request, String(part.value));
          csrfChecked = true;
        } else if (part.fieldname === 'title') fields.title = String(part.value);
        continue;
      }
      if (!csrfChecked) assertCsrf(request, undefined);
      if (part.fieldname !== 'document' || !part.filename || outcome) {
        part.file.resume();
        continue;
      }
      outcome = await receiveOne(deps, grant, dogName, part, fields);
    }
  } catch (err) {
    if (err instanceof KonaError || (err as { statusCode?: number }).statusCode) throw err;
    throw cutOff();
  }
  if (!csrfChecked) assertCsrf(request, undefined);
  return outcome ?? { ok: false, status: 400, message: 'Choose a file to send.', form: { values: formValues(fields), errors: { document: 'choose a file' } } };
}

async function receiveOne(deps: VetUploadDeps, grant: GrantRow, dogName: string, part: MultipartFile, fields: Record<string, string>): Promise<VetUploadOutcome> {
  const refuse = (status: number, message: string, errors: Record<string, string> = {}): VetUploadOutcome => {
    part.file.resume();
    return { ok: false, status, message, form: { values: formValues(fields), errors } };
  };
  const parsed = parseForm(uploadFieldsSchema, fields);
  if (!parsed.ok) return refuse(400, 'The document was not sent: see the form.', parsed.state.errors);
  const name = displayFileName(part.filename);
  try {
    return { ok: true, ...(await storeVetUpload(deps, grant, dogName, fileBytes(part), { title: parsed.data.title, originalName: name })) };
  } catch (err) {
    if (!isUploadRefusal(err)) throw err;
    return refuse(err.status, `${name || 'The file'} was not sent. ${err.message}`, { document: 'choose another file' });
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
