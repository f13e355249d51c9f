import { z } from 'zod';

/** A tenant slug: lower-case letters, digits and inner hyphens, as used in `/r/<slug>/`. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/, 'must be 1-40 lower-case letters, digits or inner hyphens (e.g. "happy-tails")');

/** A hostname that resolves to one tenant. */
export const hostnameSchema = z
  .string()
  .transform((h) => h.trim().toLowerCase())
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, 'must be a hostname like rescue.example.org'));

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

/** Input of `kona tenant create`. */
export const createTenantSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  hostnames: z.array(hostnameSchema).default([]),
  database: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('embedded') }),
      z.object({ kind: z.literal('server'), serverUrl: postgresUrl }),
      z.object({ kind: z.literal('url'), databaseUrl: postgresUrl }),
    ])
    .default({ kind: 'embedded' }),
});

/** Parsed input of tenant creation. */
export type CreateTenantInput = z.input<typeof createTenantSchema>;
