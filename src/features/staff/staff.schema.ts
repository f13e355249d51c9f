import { z } from 'zod';
import { newPasswordSchema } from '../../platform/auth/passwords.js';

/** Roles a rescue member can hold. */
export const roleSchema = z.enum(['admin', 'staff', 'foster', 'viewer'], { message: 'must be admin, staff, foster or viewer' });

/** An email address as typed into a form. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('must be an email address like name@example.org').max(254));

/** A person's display name. */
export const nameSchema = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');

/** Creating a staff account directly (demo rescue, CLI, accepted invitation). */
export const newStaffSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: newPasswordSchema,
});

/** Input of {@link newStaffSchema}. */
export type NewStaff = z.infer<typeof newStaffSchema>;
