import { z } from 'zod';
import { createStaff } from '../features/staff/staff.service.js';
import { addGeneratedKey } from '../platform/crypto/secrets.js';
import { keyUsage } from '../platform/crypto/reencrypt.js';
import { enqueueJob } from '../platform/jobs/index.js';
import { controlEncryptedColumns, tenantEncryptedColumns } from './jobs.js';
import { createInvitation } from '../features/staff/invitations.service.js';
import { createOperator, generatePassword } from '../features/operator/operator.service.js';
import type { Actor } from '../platform/audit/audit.js';
import { KonaError } from '../platform/errors/errors.js';
import type { AdminRequest, AdminResponse } from '../platform/runtime/admin-socket.js';
import { removeTenant } from '../platform/tenancy/tenants.remove.js';
import { createTenant, listTenants, migrateAllTenants, setTenantStatus, type TenancyContext } from '../platform/tenancy/tenants.service.js';
import { backupCommands } from './backup-commands.js';
import { BackupBusyError } from '../ops/backup/run.js';
import { RestoreRefused } from '../ops/drill/dump.js';
import { seedDemoRescue } from './demo-seed.js';
import type { Runtime } from './runtime.js';

const cli: Actor = { type: 'operator', id: 'cli' };

function tenancy(rt: Runtime): TenancyContext {
  const { ctx } = rt;
  return { control: ctx.control.kysely, dataDir: ctx.config.dataDir, embeddedAllowed: ctx.config.embeddedControlPlane, tenants: ctx.tenants };
}

/** An invitation link for a tenant's first admin. */
async function inviteAdmin(rt: Runtime, slug: string, email: string): Promise<string> {
  const handle = await rt.ctx.tenants.get(slug);
  const { token } = await createInvitation({ db: handle!.db.kysely, keyRing: rt.ctx.secrets.keyRing }, { email, role: 'admin' }, cli, rt.ctx.config.settings.KONA_INVITE_DAYS);
  return new URL(`/r/${slug}/hub/invite/${token}`, rt.ctx.config.publicUrl).toString();
}

const commands: Record<string, (rt: Runtime, args: Record<string, unknown>) => Promise<unknown>> = {
  'tenant.create': async (rt, args) => {
    const a = z.object({ slug: z.string(), name: z.string(), hostnames: z.array(z.string()).default([]), serverUrl: z.string().optional(), databaseUrl: z.string().optional(), adminEmail: z.string().optional() }).parse(args);
    const database = a.databaseUrl ? { kind: 'url' as const, databaseUrl: a.databaseUrl } : a.serverUrl ? { kind: 'server' as const, serverUrl: a.serverUrl } : { kind: 'embedded' as const };
    const created = await createTenant(tenancy(rt), { slug: a.slug, name: a.name, hostnames: a.hostnames, database }, cli);
    await rt.ctx.onTenantsChanged?.();
    return { ...created, adminInvitation: a.adminEmail ? await inviteAdmin(rt, a.slug, a.adminEmail) : undefined };
  },
  'tenant.list': async (rt) => listTenants(tenancy(rt)),
  'tenant.disable': async (rt, args) => {
    await setTenantStatus(tenancy(rt), String(args.slug), 'disabled', cli);
    await rt.ctx.onTenantsChanged?.();
    return { slug: args.slug, status: 'disabled' };
  },
  'tenant.enable': async (rt, args) => {
    await setTenantStatus(tenancy(rt), String(args.slug), 'active', cli);
    await rt.ctx.onTenantsChanged?.();
    return { slug: args.slug, status: 'active' };
  },
  'tenant.remove': async (rt, args) => {
    const removed = await removeTenant(tenancy(rt), String(args.slug), typeof args.confirm === 'string' ? args.confirm : undefined, cli);
    await rt.ctx.onTenantsChanged?.();
    return removed;
  },
  'tenant.invite-admin': async (rt, args) => ({ link: await inviteAdmin(rt, String(args.slug), String(args.email)) }),
  // Opening the runtime already migrated everything; this reports the state (and retries failed tenants).
  migrate: async (rt) => ({ control: 'up to date', tenants: await migrateAllTenants(tenancy(rt)) }),
  'keys.rotate': async (rt) => {
    const { ctx } = rt;
    // Generated keys (embedded default) get a new key here; operator-supplied ones were already extended.
    const added = ctx.secrets.source === 'generated';
    if (added) ctx.secrets = addGeneratedKey(ctx.secrets);
    const keyId = ctx.secrets.keyRing.currentKeyId;
    const queued: string[] = [];
    for (const t of await listTenants(tenancy(rt))) {
      if (t.status !== 'active') continue;
      const handle = await ctx.tenants.get(t.slug);
      await enqueueJob(handle!.db, rt.jobs, 'keys.reencrypt', { keyId }, { idempotencyKey: `keys.reencrypt:${keyId}` });
      queued.push(t.slug);
    }
    // The control plane's own encrypted values (operators' emails, vets' details and requests) too.
    await enqueueJob(ctx.control, rt.jobs, 'keys.reencrypt', { keyId }, { idempotencyKey: `keys.reencrypt:${keyId}` });
    return { currentKey: keyId, keyAdded: added, reencryptionQueuedFor: queued, controlPlaneQueued: true };
  },
  'keys.status': async (rt) => {
    const out: Record<string, Record<string, number>> = {};
    for (const t of await listTenants(tenancy(rt))) {
      if (t.status !== 'active') continue;
      out[t.slug] = await keyUsage((await rt.ctx.tenants.get(t.slug))!.db.kysely, tenantEncryptedColumns);
    }
    const controlPlane = await keyUsage(rt.ctx.control.kysely, controlEncryptedColumns);
    return { currentKey: rt.ctx.secrets.keyRing.currentKeyId, controlPlane, valuesPerKey: out };
  },
  'operator.create': async (rt, args) =>
    createOperator(rt.ctx.control.kysely, String(args.username), cli, args.email ? { email: String(args.email), keyRing: rt.ctx.secrets.keyRing } : undefined),
  ...backupCommands,
};

/** Names of the commands the admin channel accepts. */
export const adminCommandNames = Object.keys(commands);

/** Runs one admin command in this process (the server, or the CLI when no server runs). */
export async function runAdminCommand(rt: Runtime, req: AdminRequest): Promise<AdminResponse> {
  const command = commands[req.command];
  if (!command) return { ok: false, error: `Unknown command ${req.command}`, status: 400 };
  try {
    return { ok: true, result: await command(rt, req.args ?? {}) };
  } catch (err) {
    if (err instanceof KonaError) return { ok: false, error: err.message, status: err.status };
    if (err instanceof RestoreRefused || err instanceof BackupBusyError) return { ok: false, error: err.message, status: 409 };
    if (err instanceof z.ZodError) return { ok: false, error: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), status: 400 };
    throw err;
  }
}

/** Creates the demo rescue with an admin whose generated password is returned (printed once). */
export async function createDemoRescue(rt: Runtime) {
  await createTenant(tenancy(rt), { slug: 'demo', name: 'Demo Rescue' }, { type: 'system' });
  const handle = await rt.ctx.tenants.get('demo');
  const password = generatePassword();
  const email = 'admin@demo.kona.local';
  const adminId = await createStaff({ db: handle!.db.kysely, keyRing: rt.ctx.secrets.keyRing }, { email, name: 'Demo Admin', role: 'admin', password }, { type: 'system' });
  await handle!.db.kysely.updateTable('rescue_settings').set({ tagline: 'A demonstration rescue: every dog here is made up.' }).execute();
  await seedDemoRescue(rt, handle!, adminId);
  return { slug: 'demo', email, password };
}
