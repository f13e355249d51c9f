import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Browser } from '../../test/harness/app.js';
import { createTestDatabase, engines } from '../../test/harness/databases.js';
import { createStaff, listStaff } from '../features/staff/staff.service.js';
import { createOperator } from '../features/operator/operator.service.js';
import { addTestVet } from '../features/vets/vets.testing.js';
import { loadConfig } from '../platform/config/config.js';
import { KeyRing } from '../platform/crypto/keyring.js';
import { keyUsage, reencryptTable } from '../platform/crypto/reencrypt.js';
import { migrateSet } from '../platform/db/migrate.js';
import type { TenantSchema } from '../platform/db/schema.js';
import { createLogger } from '../platform/logging/logger.js';
import { createDemoRescue, runAdminCommand } from './admin-commands.js';
import { tenantEncryptedColumns } from './jobs.js';
import { openRuntime } from './runtime.js';
import { buildWebApp, createJobRunner } from './web.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.each(engines)('re-encryption on %s', (engine) => {
  it('moves every value to the current key without changing what it says', async () => {
    const db = await createTestDatabase<TenantSchema>(engine);
    try {
      await migrateSet(db, 'tenant');
      const blind = randomBytes(32);
      const a = { id: 'a', key: randomBytes(32) };
      const oldRing = new KeyRing([a], blind);
      for (const n of [1, 2, 3]) {
        await createStaff({ db: db.kysely, keyRing: oldRing }, { email: `p${n}@example.org`, name: `Person ${n}`, role: 'staff', password: 'long enough password' }, { type: 'system' });
      }
      const b = { id: 'b', key: randomBytes(32) };
      const ring = new KeyRing([a, b], blind);
      expect(await keyUsage(db.kysely, tenantEncryptedColumns)).toEqual({ a: 6 });
      const changed = await reencryptTable(db.kysely, tenantEncryptedColumns[0]!, ring, undefined, 2);
      expect(changed).toBe(3);
      expect(await keyUsage(db.kysely, tenantEncryptedColumns)).toEqual({ b: 6 });
      const people = await listStaff({ db: db.kysely, keyRing: new KeyRing([b], blind) });
      expect(people.map((p) => p.name).sort()).toEqual(['Person 1', 'Person 2', 'Person 3']);
      expect(await reencryptTable(db.kysely, tenantEncryptedColumns[0]!, ring)).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe('kona keys rotate on the embedded default', () => {
  it('adds a key to the generated file, re-encrypts in the background, and sign-in still works', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kona-keys-'));
    dirs.push(dataDir);
    const config = loadConfig({ KONA_DATA_DIR: dataDir, KONA_LOG_LEVEL: 'silent', KONA_JOBS: 'false' });
    const logger = createLogger('silent');
    const rt = await openRuntime(config, logger);
    try {
      expect(rt.ctx.secrets.source).toBe('generated');
      const demo = await createDemoRescue(rt);
      // A vet and an operator with an email: the control plane's encrypted values rotate too.
      await addTestVet(rt.ctx.control.kysely, rt.ctx.secrets.keyRing);
      await createOperator(rt.ctx.control.kysely, 'keys-op', { type: 'system' }, { email: 'op@example.org', keyRing: rt.ctx.secrets.keyRing });
      const rotated = await runAdminCommand(rt, { command: 'keys.rotate', args: {} });
      expect(rotated).toEqual({ ok: true, result: { currentKey: 'k2', keyAdded: true, reencryptionQueuedFor: ['demo'], controlPlaneQueued: true } });
      const file = JSON.parse(readFileSync(path.join(dataDir, 'secrets', 'keys.json'), 'utf8')) as { KONA_ENCRYPTION_KEYS: string };
      expect(file.KONA_ENCRYPTION_KEYS.split(',').map((k) => k.split(':')[0])).toEqual(['k1', 'k2']);
      const runner = await createJobRunner(rt, logger);
      await runner.runOnce();
      const status = await runAdminCommand(rt, { command: 'keys.status', args: {} });
      // Every value of the demo rescue (staff, contacts, applications…) is now under k2 and none under k1.
      expect(status).toMatchObject({ ok: true, result: { currentKey: 'k2' } });
      const perKey = (status as { result: { valuesPerKey: { demo: Record<string, number> } } }).result.valuesPerKey.demo;
      expect(Object.keys(perKey)).toEqual(['k2']);
      expect(perKey.k2).toBeGreaterThan(4);
      const control = (status as { result: { controlPlane: Record<string, number> } }).result.controlPlane;
      expect(control).toEqual({ k2: 5 });
      const app = await buildWebApp(rt, { logger: false });
      const res = await new Browser(app).signIn('/r/demo', demo.email, demo.password);
      expect(res.statusCode).toBe(303);
      await app.close();
    } finally {
      await rt.close();
    }
  });
});
