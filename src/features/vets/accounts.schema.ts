/** The vet account forms: registration and sign-in, and where sign-in may send a vet afterwards. */
import { z } from 'zod';
import { newPasswordSchema } from '../../platform/auth/passwords.js';
import { normaliseLicence } from './vets.keys.js';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/** The registration form; the password has the same rules as a rescue's staff. */
export const registerSchema = z
  .object({
    name: text(120),
    clinic: text(200),
    area: z.string().trim().max(120, 'must be at most 120 characters').default(''),
    licence: text(60).refine((v) => normaliseLicence(v).length >= 2, 'must be the licence or registration number your regulator gave you'),
    email: z.string().trim().min(1, 'is required').max(254, 'is too long').toLowerCase().pipe(z.email('must be an email address like name@clinic.example')),
    password: newPasswordSchema,
    confirm: z.string().max(200),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the password' });

/** A registration as the form gave it. */
export type Registration = z.infer<typeof registerSchema>;

/** The vet sign-in form. `next` is where to go afterwards (checked to stay under /vet). */
export const vetSignInSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(254, 'is too long'),
  password: z.string().min(1, 'is required').max(200, 'is too long'),
  next: z.string().max(500).optional(),
});

/** The vet pages' home. */
export const vetHome = '/vet';

/** Only a path under /vet (not the sign-in or registration pages) is a safe place to go after sign-in. */
export function safeVetNext(next: string | undefined): string {
  if (!next || /[\\\r\n]/.test(next) || /^\/vet\/(sign-|register)/.test(next)) return vetHome;
  return next === vetHome || next.startsWith(`${vetHome}/`) || next.startsWith(`${vetHome}?`) ? next : vetHome;
}
