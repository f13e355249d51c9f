/**
 * Control characters in text that comes in from outside. PostgreSQL and PGlite refuse U+0000 in
 * text, so a NUL that reached a query was a 500 that lost the form. The other C0 controls, DEL and
 * the C1 range are stored without complaint but are never typed on purpose: they are invisible on
 * a page, not allowed in HTML text, and they garble CSV exports, logs and terminals. So all of
 * them are refused at the edge, in single-line and multi-line text alike; tab, newline and
 * carriage return are text.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KonaError } from '../errors/errors.js';

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const controlCharacters = new RegExp(controlCharacter.source, 'g');

/** Whether a string holds a control character other than tab, newline or carriage return. */
export function hasControlCharacter(value: string): boolean {
  return controlCharacter.test(value);
}

/** A string without its control characters (tab, newline and carriage return stay). */
export function withoutControlCharacters(value: string): string {
  return value.replace(controlCharacters, '');
}

/** The paths (`name`, `answers.0`) of the keys and string values in parsed input that hold a control character. */
export function fieldsWithControlCharacters(input: unknown, prefix = ''): string[] {
  if (typeof input === 'string') return hasControlCharacter(input) ? [prefix || 'value'] : [];
  if (!input || typeof input !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    const path = prefix ? `${prefix}.${withoutControlCharacters(key)}` : withoutControlCharacters(key);
    if (hasControlCharacter(key)) found.push(path);
    else found.push(...fieldsWithControlCharacters(value, path));
  }
  return found;
}

/** A form field's message when it held a control character (shown under the field, which names it). */
export const controlCharacterFieldMessage = 'had an invisible control character (often from pasted text), which was taken out: check the text and save again';

const strippedFields = Symbol('kona.strippedFields');

/** The fields of a form body the edge hook took control characters out of (see `refuseControlCharacters`). */
export function strippedFormFields(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  return (body as { [strippedFields]?: string[] })[strippedFields] ?? [];
}

// Form fields are flat (a repeated name is an array of strings): strip in place and remember which.
function stripFormBody(body: Record<string, unknown>): void {
  const fields = fieldsWithControlCharacters(body).map((path) => path.split('.')[0]!);
  if (fields.length === 0) return;
  for (const [key, value] of Object.entries(body)) {
    delete body[key];
    const clean = typeof value === 'string' ? withoutControlCharacters(value) : Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? withoutControlCharacters(v) : v)) : value;
    body[withoutControlCharacters(key)] = clean;
  }
  Object.defineProperty(body, strippedFields, { value: [...new Set(fields)], enumerable: false });
}

function isFormBody(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function refusal(where: string, fields: string[]): KonaError {
  const list = fields.map((f) => `"${f}"`).join(', ');
  return new KonaError('KONA_ERR_VALIDATION', `${where} ${list} ${fields.length === 1 ? 'contains' : 'contain'} a control character (such as U+0000), which Kona does not accept in text. Remove it and try again.`, {
    fields: Object.fromEntries(fields.map((f) => [f, 'contains a control character'])),
  });
}

/**
 * The edge check, for every route of the app: a path parameter or query value with a control
 * character is a 400 before any hook reads it (the tenant resolver queries with the slug), and so
 * is a JSON body. A form body is cleaned in place instead and its fields marked, so that
 * `parseForm` shows the form again with what was typed and an error on each field; a handler that
 * read the body some other way still never sees a control character. Multipart text fields are
 * read by their handlers and checked by `parseForm`.
 */
export function refuseControlCharacters(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const params = fieldsWithControlCharacters(request.params);
    if (params.length) throw refusal('The address part', params);
    const query = fieldsWithControlCharacters(request.query);
    if (query.length) throw refusal('The query parameter', query);
  });
  app.addHook('preValidation', async (request) => {
    const body = request.body;
    if (!body || typeof body !== 'object') return;
    if (isFormBody(request)) return stripFormBody(body as Record<string, unknown>);
    const fields = fieldsWithControlCharacters(body);
    if (fields.length) throw refusal('The field', fields);
  });
}
