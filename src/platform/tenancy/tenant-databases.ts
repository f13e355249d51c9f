import path from 'node:path';
import type { Kysely } from 'kysely';
import { openDatabase, type Database, type DatabaseObserver, type DatabaseTarget } from '../db/driver.js';
import type { ControlSchema, TenantSchema } from '../db/schema.js';
import { selectTenant } from './tenants.queries.js';

const statusRecheckMs = 5_000;

/** What a request for one rescue may hold: its slug, name and its own database, nothing else. */
export interface TenantHandle {
  readonly slug: string;
  readonly name: string;
  readonly db: Database<TenantSchema>;
}

/** Where an embedded tenant's database lives under the data directory. */
export function embeddedTenantDir(dataDir: string, slug: string): string {
  return path.join(dataDir, 'tenants', slug);
}

/**
 * Opens tenant databases on demand and keeps them open; the only way code gets a tenant database.
 * Lookups are by the slug resolved from the request's host or path, never from a form field.
 */
export class TenantDatabases {
  private readonly open = new Map<string, Promise<TenantHandle>>();
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly control: Kysely<ControlSchema>,
    private readonly dataDir: string,
    private readonly observe?: (slug: string) => DatabaseObserver,
    private readonly onOpen?: (handle: TenantHandle) => void,
    private readonly onClose?: (slug: string) => void,
  ) {}

  /** The target a registry row points at. */
  targetOf(row: { slug: string; db_kind: 'embedded' | 'postgres'; db_url: string | null }): DatabaseTarget {
    return row.db_kind === 'embedded'
      ? { kind: 'embedded', dir: embeddedTenantDir(this.dataDir, row.slug) }
      : { kind: 'postgres', url: row.db_url! };
  }

  /** The handle of an active tenant, opening its database the first time; undefined if unknown or disabled. */
  async get(slug: string): Promise<TenantHandle | undefined> {
    const cached = this.open.get(slug);
    // Another replica (or the CLI) may have disabled the tenant: re-check the registry now and then.
    if (cached && Date.now() - (this.checkedAt.get(slug) ?? 0) < statusRecheckMs) return cached;
    const row = await selectTenant(this.control, slug);
    if (!row || row.status !== 'active') {
      if (cached) await this.close(slug);
      return undefined;
    }
    this.checkedAt.set(slug, Date.now());
    return cached ?? this.openHandle(row);
  }

  private openHandle(row: { slug: string; name: string; db_kind: 'embedded' | 'postgres'; db_url: string | null }) {
    const existing = this.open.get(row.slug);
    if (existing) return existing;
    const opening = openDatabase<TenantSchema>(this.targetOf(row), this.observe?.(row.slug)).then((db) => {
      const handle = { slug: row.slug, name: row.name, db };
      this.onOpen?.(handle);
      return handle;
    });
    opening.catch(() => this.open.delete(row.slug));
    this.open.set(row.slug, opening);
    return opening;
  }

  /** Handles opened so far (for readiness checks, metrics and job runners). */
  async opened(): Promise<TenantHandle[]> {
    const settled = await Promise.allSettled(this.open.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  /** Closes one tenant's database (after it was disabled). */
  async close(slug: string): Promise<void> {
    const handle = this.open.get(slug);
    this.open.delete(slug);
    this.checkedAt.delete(slug);
    if (handle) {
      this.onClose?.(slug);
      await (await handle).db.close();
    }
  }

  /** Closes every open tenant database. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open.keys()].map((slug) => this.close(slug)));
  }
}
