import { z } from 'zod';
import { newPasswordSchema } from '../../platform/auth/passwords.js';

/** The sign-in form. `next` is where to go afterwards (checked to stay inside the hub). */
export const signInSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(254, 'is too long'),
  password: z.string().min(1, 'is required').max(200, 'is too long'),
  next: z.string().max(500).optional(),
});

/** The change-password form. */
export const changePasswordSchema = z
  .object({
    current: z.string().min(1, 'is required'),
    password: newPasswordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the new password' });

/** The "Forgot password?" form. */
export const forgotPasswordSchema = z.object({ email: z.string().trim().min(1, 'is required').max(254, 'is too long') });

/** A reset link's token (base64url); anything else cannot be a live link. */
export const resetTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/);

/** The new-password form a reset link opens. */
export const resetPasswordSchema = z
  .object({ password: newPasswordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the new password' });

/** Only a path inside this tenant's hub is a safe place to send someone after sign-in. */
export function safeNext(basePath: string, next: string | undefined): string {
  const home = `${basePath}/hub`;
  if (!next || !next.startsWith(`${home}`) || next.startsWith('//') || /[\\\r\n]/.test(next)) return home;
  return next;
}
