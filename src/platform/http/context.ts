import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';
import type { Secrets } from '../crypto/secrets.js';
import type { Database } from '../db/driver.js';
import type { JobRegistry } from '../jobs/index.js';
import type { ControlSchema, StaffRole, VetStatus } from '../db/schema.js';
import type { DispatcherClient } from '../../inference/client.js';
import type { Mailer } from '../mail/mailer.js';
import type { RescueLocale } from '../locale/index.js';
import type { PublicIdentity } from './views/layout.js';
import type { TenantDatabases, TenantHandle } from '../tenancy/tenant-databases.js';

/** Everything a process shares between requests. Nothing here is per-tenant. */
export interface AppContext {
  config: Config;
  secrets: Secrets;
  control: Database<ControlSchema>;
  tenants: TenantDatabases;
  logger: Logger;
  /** Where mail goes: the SMTP server or the outbox. */
  mailer: Mailer;
  /** The declared jobs, for features that enqueue one (mail above all). */
  jobs: JobRegistry;
  /** The model dispatcher's client; absent when no dispatcher is configured (no model calls). */
  inference?: DispatcherClient;
  /** Called after the tenant registry changed in this process (hostnames, status). */
  onTenantsChanged?: () => Promise<void>;
  /** The time session expiry is judged by (the system clock when absent; tests move their own). */
  clock?: Clock;
}

/** The signed-in member of a rescue. */
export interface StaffActor {
  kind: 'staff';
  id: string;
  role: StaffRole;
  name: string;
  sessionHash: string;
}

/** The signed-in operator. */
export interface OperatorActor {
  kind: 'operator';
  id: string;
  username: string;
  sessionHash: string;
}

/** A signed-in vet (a control-plane account); `status` says whether they may search yet. */
export interface VetActor {
  kind: 'vet';
  id: string;
  name: string;
  status: VetStatus;
  sessionHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The rescue this request is for; set only under /r/:tenant (or its hostname). */
    tenant?: TenantHandle;
    /** The rescue's display name (from its settings). */
    rescueName?: string;
    /** The rescue's tagline (from its settings), read with the name. */
    rescueTagline?: string;
    /** How the rescue reads dates and money (from its settings), read with the name. */
    rescueLocale?: RescueLocale;
    /** What the rescue's public pages show of it (an allow-list), read with the name. */
    rescueIdentity?: PublicIdentity;
    /** URL prefix of the tenant's pages: '' on its own hostname, '/r/<slug>' otherwise. */
    basePath: string;
    actor?: StaffActor | OperatorActor | VetActor;
    /** Token to embed in this request's forms. */
    csrfToken: string;
    /** Site-wide notices for staff and operators (e.g. announced maintenance), filled by features. */
    siteNotices: string[];
  }
}
