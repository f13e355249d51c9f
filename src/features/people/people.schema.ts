import { z } from 'zod';
import type { ContactRole } from '../../platform/db/schema.js';
import { phoneDigits } from './people.values.js';

/** The roles a contact can hold, with their labels, in display order. */
export const contactRoleChoices: { value: ContactRole; label: string }[] = [
  { value: 'adopter', label: 'Adopter' },
  { value: 'applicant', label: 'Applicant' },
  { value: 'foster', label: 'Foster' },
  { value: 'vet', label: 'Vet' },
];
const roleValues = contactRoleChoices.map((c) => c.value) as [ContactRole, ...ContactRole[]];

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`).default('');

/** An optional email address: empty, or something that looks like one. */
export const optionalEmailSchema = text(254).refine((v) => v === '' || z.email().safeParse(v).success, 'must be an email address like name@example.org');

/** An optional phone number: empty, or 6 to 20 digits with the usual punctuation. */
export const optionalPhoneSchema = text(40).refine(
  (v) => v === '' || (/^[0-9+()./\s-]+$/.test(v) && phoneDigits(v).length >= 6 && phoneDigits(v).length <= 20),
  'must be a phone number of 6 to 20 digits (spaces, +, -, brackets allowed)',
);

/** A person's name as typed on a form. */
export const personNameSchema = z.string({ message: 'is required' }).trim().min(1, 'is required').max(200, 'must be at most 200 characters');

// Checkboxes: none sends nothing, one sends a string, several send an array (or "a,b" from a script).
const rolesSchema = z
  .preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : typeof v === 'string' ? v.split(',').filter(Boolean) : [v]),
    z.array(z.enum(roleValues, { message: 'is not a known role' })),
  )
  .transform((list) => [...new Set(list)]);

/** The hub's create and edit form of a contact. */
export const contactFormSchema = z.object({
  name: personNameSchema,
  email: optionalEmailSchema,
  phone: optionalPhoneSchema,
  address: text(500),
  organisation: text(200),
  notes: text(5000),
  roles: rolesSchema,
});
/** A contact as the form gives it. */
export type ContactForm = z.infer<typeof contactFormSchema>;

/** A role to filter the list by: one of the contact roles, or empty for any. */
const roleFilterSchema = z
  .string()
  .default('')
  .refine((v): v is ContactRole | '' => v === '' || (roleValues as string[]).includes(v), 'is not a known role')
  .transform((v) => v as ContactRole | '');

/**
 * The people search form: free text (exact email or phone, or part of a name) and a role. It is
 * posted, never sent in the URL, so an email or phone searched for stays out of browser history
 * and proxy logs.
 */
export const peopleQuerySchema = z.object({
  q: z.string().trim().max(200, 'must be at most 200 characters').default(''),
  role: roleFilterSchema,
});
/** The people list's query. */
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

/** The people list's URL: only the role filter (not personal data), anything else ignored. */
export const peopleListUrlSchema = z.object({ role: roleFilterSchema.catch('') });

/** A contact id in the URL. */
export const contactIdParamsSchema = z.object({ id: z.uuid() });
