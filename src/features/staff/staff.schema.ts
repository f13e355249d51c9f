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

/** The invite form on the staff page. */
export const inviteSchema = z.object({ email: emailSchema, role: roleSchema });

/** The change-role form of one staff row. */
export const changeRoleSchema = z.object({ role: roleSchema });

/** A staff member's or invitation's id in a URL; anything else is a 404, not a database error. */
export const idParamsSchema = z.object({ id: z.uuid() });

/** An invitation link's token (base64url); anything else cannot be a live link. */
export const inviteTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{20,128}$/);

/** The accept-invitation form. The role is left out on purpose: it comes from the invitation only. */
export const acceptInvitationSchema = z
  .object({
    name: nameSchema,
    password: newPasswordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the password' });
