import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createStaff } from '../../src/features/staff/staff.service.js';
import { openRuntime, type Runtime } from '../../src/apps/runtime.js';
import { buildWebApp } from '../../src/apps/web.js';
import type { Clock } from '../../src/platform/clock/clock.js';
import { loadConfig } from '../../src/platform/config/config.js';
import type { StaffRole } from '../../src/platform/db/schema.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { createTenant } from '../../src/platform/tenancy/tenants.service.js';
import { createServerDatabase, type Engine } from './databases.js';

/** A Kona web app on a fresh control plane and data directory, driven with inject(). */
export interface TestApp {
  app: FastifyInstance;
  rt: Runtime;
  engine: Engine;
  dataDir: string;
  /** Creates a rescue on this engine (embedded: PGlite in the data dir; postgres: a new server database). */
  addTenant(slug: string, name?: string, hostnames?: string[]): Promise<void>;
  /** Creates an active staff account and returns its credentials. */
  addStaff(slug: string, role: StaffRole, overrides?: { email?: string; name?: string; password?: string }): Promise<{ id: string; email: string; password: string }>;
  close(): Promise<void>;
}

/** Removes a test's data directory and the backup directory testEnv put beside it. */
export function removeTestDirs(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.backups`, { recursive: true, force: true });
}

/** Settings for tests: quiet logs, no demo, no in-process jobs, generated keys. */
export function testEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    KONA_DATA_DIR: dataDir,
    // Beside the data directory like the default, but its own: the default for a temporary data
    // directory would be the shared /tmp/backups. Removed with the data directory (removeTestDirs).
    KONA_BACKUP_DIR: `${dataDir}.backups`,
    KONA_DEMO: 'false',
    KONA_JOBS: 'false',
    KONA_LOG_LEVEL: 'silent',
    KONA_ENCRYPTION_KEYS: `t1:${randomBytes(32).toString('base64')}`,
    KONA_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    KONA_SESSION_SECRET: randomBytes(32).toString('base64url'),
    ...extra,
  };
}

/** Starts a test app on the given engine; `env` overrides settings (e.g. session timeouts), `clock` the time sessions are judged by. */
export async function createTestApp(engine: Engine, env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kona-app-'));
  const drops: (() => Promise<void>)[] = [];
  const extra: Record<string, string> = { ...env };
  if (engine === 'postgres') {
    const control = await createServerDatabase();
    drops.push(control.drop);
    extra.KONA_CONTROL_DATABASE_URL = control.url;
  }
  const config = loadConfig(testEnv(dataDir, extra));
  const rt = await openRuntime(config, createLogger('silent'), { clock: options.clock });
  const app = await buildWebApp(rt, { logger: false });
  const tenancy = { control: rt.ctx.control.kysely, dataDir, embeddedAllowed: config.embeddedControlPlane, tenants: rt.ctx.tenants };
  return {
    app,
    rt,
    engine,
    dataDir,
    addTenant: async (slug, name = `Rescue ${slug}`, hostnames = []) => {
      let database: { kind: 'embedded' } | { kind: 'url'; databaseUrl: string } = { kind: 'embedded' };
      if (engine === 'postgres') {
        const db = await createServerDatabase();
        drops.push(db.drop);
        database = { kind: 'url', databaseUrl: db.url };
      }
      await createTenant(tenancy, { slug, name, hostnames, database }, { type: 'system' });
      await rt.ctx.onTenantsChanged?.();
    },
    addStaff: async (slug, role, overrides = {}) => {
      const handle = await rt.ctx.tenants.get(slug);
      const email = overrides.email ?? `${role}-${randomBytes(3).toString('hex')}@example.org`;
      const password = overrides.password ?? 'correct horse battery staple';
      const id = await createStaff({ db: handle!.db.kysely, keyRing: rt.ctx.secrets.keyRing }, { email, name: overrides.name ?? `Test ${role}`, role, password }, { type: 'system' });
      return { id, email, password };
    },
    close: async () => {
      await app.close();
      await rt.close();
      for (const drop of drops.reverse()) await drop().catch(() => {});
      removeTestDirs(dataDir);
    },
  };
}

/** A cookie jar for inject(): keeps cookies between requests like a browser (path-scoped). */
export class Browser {
  private readonly jar = new Map<string, { value: string; path: string }>();

  constructor(private readonly app: FastifyInstance, private readonly host?: string) {}

  private cookieHeader(url: string): string | undefined {
    const pathname = url.split('?')[0]!;
    const parts = [...this.jar.entries()].filter(([, c]) => pathname.startsWith(c.path.replace(/\/$/, '')) || c.path === '/').map(([k, c]) => `${k}=${c.value}`);
    return parts.length ? parts.join('; ') : undefined;
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; path?: string; expires?: Date; maxAge?: number }[]) {
      const key = `${c.name}`;
      const expired = c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (expired) this.jar.delete(key);
      else this.jar.set(key, { value: c.value, path: c.path ?? '/' });
    }
  }

  /** GET a URL. */
  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({ method: 'GET', url, headers: { ...(cookie ? { cookie } : {}), ...(this.host ? { host: this.host } : {}), ...headers } });
    this.remember(res);
    return res;
  }

  /** POST a form (urlencoded). */
  async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader(url);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}), ...(this.host ? { host: this.host } : {}), ...headers },
    });
    this.remember(res);
    return res;
  }

  /** The CSRF token of a page, fetched fresh. */
  async csrf(url: string): Promise<string> {
    return csrfFrom((await this.get(url)).body);
  }

  /** GETs a form page and POSTs to its action with its CSRF token. */
  async submit(pageUrl: string, action: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.post(action, { _csrf: await this.csrf(pageUrl), ...form });
  }

  /** Signs in to a tenant's hub (basePath '/r/<slug>' or '' on its hostname). */
  async signIn(basePath: string, email: string, password: string): Promise<LightMyRequestResponse> {
    return this.submit(`${basePath}/hub/sign-in`, `${basePath}/hub/sign-in`, { email, password });
  }

  /** Sets a cookie as a server would (a session made by a test without its sign-in form). */
  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(name, { value, path });
  }

  /** Drops every cookie. */
  clear(): void {
    this.jar.clear();
  }

  /** The current cookies (name → value). */
  cookies(): Record<string, string> {
    return Object.fromEntries([...this.jar.entries()].map(([k, c]) => [k, c.value]));
  }
}

/** The CSRF token embedded in a page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1]!;
}

/** A new staff member of a rescue, already signed in through the real sign-in form. */
export async function signedInStaff(t: TestApp, slug: string, role: StaffRole, overrides: { email?: string; name?: string; password?: string } = {}) {
  const staff = await t.addStaff(slug, role, overrides);
  const browser = new Browser(t.app);
  const res = await browser.signIn(`/r/${slug}`, staff.email, staff.password);
  if (res.statusCode !== 303) throw new Error(`sign-in failed with ${res.statusCode}`);
  return { ...staff, browser };
}
