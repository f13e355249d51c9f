import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, engines } from '../../../test/harness/databases.js';
import { KeyRing } from '../../platform/crypto/keyring.js';
import { keyUsage, reencryptTable } from '../../platform/crypto/reencrypt.js';
import { migrateSet } from '../../platform/db/migrate.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { tenantEncryptedColumns } from '../../apps/jobs.js';
import { peopleEncryptedColumns } from './people.encryption.js';
import { readContact, upsertApplicantContact } from './people.public.js';

describe.each(engines)('contacts under key rotation on %s', (engine) => {
  it('re-encrypts contacts, leaving empty (null) optional details alone, and finds them by email after', async () => {
    const db = await createTestDatabase<TenantSchema>(engine);
    try {
      await migrateSet(db, 'tenant');
      expect(tenantEncryptedColumns).toEqual(expect.arrayContaining(peopleEncryptedColumns));
      const blind = randomBytes(32);
      const a = { id: 'a', key: randomBytes(32) };
      const old = new KeyRing([a], blind);
      const full = await upsertApplicantContact(db.kysely, old, { name: 'Full Person', email: 'full@example.org', phone: '0123 456', address: '1 Road' });
      const bare = await upsertApplicantContact(db.kysely, old, { name: 'Bare Person', email: 'bare@example.org' });
      expect(await keyUsage(db.kysely, peopleEncryptedColumns)).toEqual({ a: 6 });
      const b = { id: 'b', key: randomBytes(32) };
      const ring = new KeyRing([a, b], blind);
      expect(await reencryptTable(db.kysely, peopleEncryptedColumns[0]!, ring)).toBe(2);
      expect(await keyUsage(db.kysely, peopleEncryptedColumns)).toEqual({ b: 6 });
      const onlyB = new KeyRing([b], blind);
      expect(await readContact(db.kysely, onlyB, full.contactId)).toMatchObject({ name: 'Full Person', phone: '0123 456', address: '1 Road' });
      expect(await readContact(db.kysely, onlyB, bare.contactId)).toMatchObject({ name: 'Bare Person', phone: '', address: '' });
      expect((await upsertApplicantContact(db.kysely, onlyB, { name: 'Bare Person', email: 'BARE@example.org' })).contactId).toBe(bare.contactId);
      expect(await reencryptTable(db.kysely, peopleEncryptedColumns[0]!, ring)).toBe(0);
    } finally {
      await db.close();
    }
  });
});
