import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TenantSchema } from '../../platform/db/schema.js';

/** Inserts a dog that the public site shows as adoptable (available, described, one approved photo). */
export async function insertAdoptableDog(db: Kysely<TenantSchema>, name: string, fields: Partial<{ status: 'available' | 'adopted'; on_hold: boolean }> = {}): Promise<string> {
  const { id } = await db.insertInto('dogs').values({
    name, size: 'medium', intake_date: '2024-01-01', intake_type: 'stray', public_description: `${name} is a good dog.`, status: 'available', ...fields,
  }).returning('id').executeTakeFirstOrThrow();
  const sha256 = createHash('sha256').update(id).digest('hex');
  await db.insertInto('dog_photos').values({ dog_id: id, sha256, variants: '{}', width: 10, height: 10, status: 'approved', is_primary: true }).execute();
  return id;
}
