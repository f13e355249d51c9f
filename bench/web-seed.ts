import type { Actor } from '../src/platform/audit/audit.js';
import { loadConfig } from '../src/platform/config/config.js';
import { createLogger } from '../src/platform/logging/logger.js';
import { createTenant } from '../src/platform/tenancy/tenants.service.js';
import { openRuntime } from '../src/apps/runtime.js';
import { demoPhoto } from '../src/apps/demo-seed.js';
import { changeDogStatus } from '../src/features/dogs/dog-actions.service.js';
import { dogFormSchema } from '../src/features/dogs/dogs.schema.js';
import { createDog } from '../src/features/dogs/dogs.service.js';
import { isoToday } from '../src/features/dogs/dogs.values.js';
import { addDays } from '../src/features/medical/medical.due.js';
import { generatePassword } from '../src/features/operator/operator.service.js';
import { photoStoreFor } from '../src/features/photos/photos.store.js';
import { storePhotoBuffer } from '../src/features/photos/photos.upload.js';
import { samplePhoto } from '../src/platform/images/sample-images.testing.js';
import { createStaff } from '../src/features/staff/staff.service.js';

/** What the benchmark needs of the seeded rescue: its slug and one dog's id. */
export interface SeededRescue {
  slug: string;
  dogIds: string[];
}

const sizes = ['small', 'medium', 'large', 'xl'] as const;
const palettes: [string, string][] = [['#f6d7a7', '#a0642d'], ['#cfd8dc', '#37474f'], ['#c8e6c9', '#2e7d32'], ['#bbdefb', '#1565c0'], ['#e1bee7', '#6a1b9a']];

/**
 * Seeds a fresh data directory, before the server starts (an embedded database belongs to one
 * process), the way Kona's own demo seed does: one rescue, an admin, and `count` dogs made
 * available through the services, each with an approved 800×600 photo (the first also a 4000×3000 one, its primary) and a public description.
 */
export async function seedBenchRescue(env: NodeJS.ProcessEnv, count: number): Promise<SeededRescue> {
  const rt = await openRuntime(loadConfig(env), createLogger('silent'));
  try {
    const { ctx } = rt;
    const slug = 'bench';
    await createTenant({ control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants }, { slug, name: 'Bench Rescue' }, { type: 'system' });
    const db = (await ctx.tenants.get(slug))!.db.kysely;
    const adminId = await createStaff({ db, keyRing: ctx.secrets.keyRing }, { email: 'admin@bench.kona.local', name: 'Bench Admin', role: 'admin', password: generatePassword() }, { type: 'system' });
    const actor: Actor = { type: 'staff', id: adminId };
    const photoDeps = { db, store: photoStoreFor(ctx.config.uploadsDir, slug), maxBytes: ctx.config.settings.KONA_UPLOAD_MAX_MB * 1024 * 1024 };
    const today = isoToday();
    const dogIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const form = dogFormSchema.parse({
        name: `Dog ${String(i + 1).padStart(2, '0')}`, sex: i % 2 ? 'male' : 'female', size: sizes[i % sizes.length], age_years: String(1 + (i % 9)), age_months: '0',
        breeds: 'Mixed', colour: 'Brown', spay_neuter: 'yes', intake_date: addDays(today, -30 - i), intake_type: 'stray', source: 'Benchmark', location: 'Kennels',
        good_with_dogs: 'yes', good_with_cats: i % 3 ? 'no' : 'yes', good_with_children: 'yes', energy: 'medium', adoption_fee: '150',
        public_description: `A friendly benchmark dog, number ${i + 1}. Loves walks, naps and people.\n\nHouse-trained and good on a lead.`,
      });
      const id = await createDog(db, form, actor);
      // The first dog's primary photo is camera-sized, as a rescue's phone takes it.
      if (i === 0) await storePhotoBuffer(photoDeps, id, await samplePhoto({ width: 4000, height: 3000, noise: true }), { actor, approved: true });
      await storePhotoBuffer(photoDeps, id, await demoPhoto(i, palettes[i % palettes.length]!), { actor, approved: true });
      await changeDogStatus(db, id, { to: 'available', reason: 'Ready' }, actor);
      dogIds.push(id);
    }
    return { slug, dogIds };
  } finally {
    await rt.close();
  }
}
