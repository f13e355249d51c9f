import type { z } from 'zod';
import type { FieldErrors } from '../errors/errors.js';
import { controlCharacterFieldMessage, fieldsWithControlCharacters, strippedFormFields, withoutControlCharacters } from './text-input.js';
import type { FormState } from './views/forms.js';

/** Fields never echoed back into a re-shown form. */
const secretFields = /password|token|_csrf/i;

/** The text values of a submitted form, minus secrets and control characters (HTML cannot carry them), for showing it again. */
export function formValues(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>)
      .filter(([k, v]) => typeof v === 'string' && !secretFields.test(k))
      .map(([k, v]) => [withoutControlCharacters(k), withoutControlCharacters(v as string)]),
  );
}

/** zod issues as one message per field (the first issue of each). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * Parses a form body with a schema; on failure returns the state to show the form again. A field
 * holding a control character (cleaned by the edge hook, or still in a multipart field) is refused
 * here too, so every form that parses through this refuses them without a rule of its own.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; state: FormState } {
  const result = schema.safeParse(body ?? {});
  const controls = new Set([...strippedFormFields(body), ...fieldsWithControlCharacters(body).map((path) => path.split('.')[0]!)]);
  if (result.success && controls.size === 0) return { ok: true, data: result.data };
  const errors = result.success ? {} : fieldErrors(result.error);
  for (const field of controls) errors[field] = controlCharacterFieldMessage;
  return { ok: false, state: { values: formValues(body), errors } };
}
