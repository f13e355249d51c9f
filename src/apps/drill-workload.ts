/**
 * What the HA drills load: the drill cluster's rescues, each with dogs listed for adoption (the demo
 * rescue's dogs and photos, seeded once) and a staff account for hub edits. `kona drill up` creates
 * the rescue empty; the load needs dogs, so the first drill seeds it here, through Kona's own
 * services (real photos in the shared uploads directory), and keeps the staff login in
 * `<cluster>/kona/drill-staff.json` (0600) so later drills sign in with it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../platform/config/config.js';
import { createLogger } from '../platform/logging/logger.js';
import { listTenants } from '../platform/tenancy/tenants.service.js';
import { listAdoptableDogs } from '../features/dogs/dogs.public.js';
import { isoToday } from '../features/dogs/dogs.values.js';
import { generatePassword } from '../features/operator/operator.service.js';
import { createStaff } from '../features/staff/staff.service.js';
import { seedDemoRescue } from './demo-seed.js';
import { openRuntime } from './runtime.js';

/** The rescues a drill loads and their staff logins. */
export interface DrillWorkload {
  tenants: string[];
  staff: Record<string, { email: string; password: string }>;
}

const staffFileSchema = z.record(z.string(), z.object({ email: z.string(), password: z.string() }));

/** Opens the cluster's Kona side (its web environment), seeds rescues that list no dog, returns what to load. */
export async function prepareDrillWorkload(clusterDir: string, webEnv: Record<string, string>): Promise<DrillWorkload> {
  const staffFile = path.join(clusterDir, 'kona', 'drill-staff.json');
  const staff = existsSync(staffFile) ? staffFileSchema.parse(JSON.parse(readFileSync(staffFile, 'utf8'))) : {};
  const rt = await openRuntime(loadConfig({ ...webEnv, KONA_LOG_LEVEL: 'warn' }), createLogger('warn'));
  try {
    const tenants: string[] = [];
    for (const t of await listTenants({ control: rt.ctx.control.kysely })) {
      if (t.status !== 'active') continue;
      const handle = await rt.ctx.tenants.get(t.slug);
      if (!handle) continue;
      tenants.push(t.slug);
      if (!staff[t.slug]) {
        const login = { email: `drill-staff@${t.slug}.kona.local`, password: generatePassword() };
        await createStaff({ db: handle.db.kysely, keyRing: rt.ctx.secrets.keyRing }, { ...login, name: 'Drill Staff', role: 'staff' }, { type: 'system' });
        staff[t.slug] = login;
        writeFileSync(staffFile, `${JSON.stringify(staff, null, 2)}\n`, { mode: 0o600 });
      }
      if ((await listAdoptableDogs(handle.db.kysely, {}, isoToday())).length === 0) {
        const seeder = await handle.db.kysely.selectFrom('staff').select('id').where('role', '=', 'staff').orderBy('created_at').executeTakeFirstOrThrow();
        await seedDemoRescue(rt, handle, seeder.id);
      }
    }
    if (tenants.length === 0) throw new Error(`The drill cluster in ${clusterDir} has no active rescue to load.`);
    return { tenants, staff: Object.fromEntries(tenants.map((t) => [t, staff[t]!])) };
  } finally {
    await rt.close();
  }
}
