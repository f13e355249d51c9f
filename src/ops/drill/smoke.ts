/**
 * The drill's smoke test: a real Kona process (`kona serve`, dist/) started on the restored data
 * serves a listed dog's page with its photo, and a hub sign-in works. The sign-in uses an admin of
 * the restored copy whose password the drill sets there (the copy is the drill's own; the live
 * rescue is not touched).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../platform/runtime/paths.js';
import type { RestoreCheck } from './dump.js';

/** What the smoke test needs: a prepared data directory and the keys file the process reads. */
export interface SmokeSetup {
  dataDir: string;
  keysFile: string;
  slug: string;
  /** An admin of the restored copy and the password the drill gave it there. */
  signIn?: { email: string; password: string };
}

/** Starts `kona serve` on the data directory; resolves with its URL and a stopper. */
async function startKona(setup: SmokeSetup): Promise<{ url: string; stop(): Promise<void> }> {
  const cli = path.join(packageRoot(), 'dist/src/apps/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build Kona (npm run build) to run the drill's smoke test`);
  const env = {
    PATH: process.env.PATH ?? '', KONA_DATA_DIR: setup.dataDir, KONA_KEYS_FILE: setup.keysFile, KONA_PORT: '0', KONA_HOST: '127.0.0.1',
    KONA_JOBS: 'false', KONA_DEMO: 'false', KONA_LOG_LEVEL: 'warn', KONA_BACKUP_DIR: path.join(setup.dataDir, '..', 'backups'),
  };
  const child = spawn(process.execPath, [cli, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Kona process did not start within 120 s: ${out.slice(-500)}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Kona is serving at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Kona process exited (${code}) before serving: ${out.slice(-500)}`));
    });
  });
  return {
    url: new URL(url).origin,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

class Cookies {
  private readonly jar = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function dogPageCheck(base: string, slug: string): Promise<RestoreCheck> {
  const site = await fetch(`${base}/r/${slug}/`);
  const html = await site.text();
  const link = new RegExp(`/r/${slug}/dogs/([0-9a-f-]{36})`).exec(html);
  if (!link) return { name: 'dog page', ok: site.status === 200, detail: site.status === 200 ? 'the site answers; it lists no dog to open' : `the site answered ${site.status}` };
  const page = await fetch(`${base}${link[0]}`);
  const body = await page.text();
  if (page.status !== 200) return { name: 'dog page', ok: false, detail: `${link[0]} answered ${page.status}` };
  const img = new RegExp(`src="(/r/${slug}/photos/[^"]+)"`).exec(body);
  if (!img) return { name: 'dog page', ok: true, detail: `${link[0]} answers 200; the dog has no photo` };
  const photo = await fetch(`${base}${img[1]}`);
  const bytes = Buffer.from(await photo.arrayBuffer());
  const ok = photo.status === 200 && (photo.headers.get('content-type') ?? '').startsWith('image/') && bytes.length > 0;
  return { name: 'dog page', ok, detail: ok ? `${link[0]} and its photo (${bytes.length} bytes) are served` : `its photo ${img[1]} answered ${photo.status}` };
}

async function signInCheck(base: string, slug: string, who: { email: string; password: string }): Promise<RestoreCheck> {
  const cookies = new Cookies();
  const form = await fetch(`${base}/r/${slug}/hub/sign-in`);
  cookies.take(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text());
  if (!csrf) return { name: 'sign-in', ok: false, detail: `the sign-in page (${form.status}) has no form` };
  const res = await fetch(`${base}/r/${slug}/hub/sign-in`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ _csrf: csrf[1]!, email: who.email, password: who.password }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.header() },
  });
  cookies.take(res);
  if (res.status !== 303) return { name: 'sign-in', ok: false, detail: `signing in answered ${res.status}` };
  const hub = await fetch(`${base}/r/${slug}/hub`, { redirect: 'manual', headers: { cookie: cookies.header() } });
  return { name: 'sign-in', ok: hub.status === 200, detail: hub.status === 200 ? 'an admin signed in to the hub of the restored copy' : `the hub answered ${hub.status} after signing in` };
}

/** Runs the smoke test; the process is stopped whatever happens. */
export async function smokeTest(setup: SmokeSetup): Promise<RestoreCheck[]> {
  let kona;
  try {
    kona = await startKona(setup);
  } catch (err) {
    return [{ name: 'smoke', ok: false, detail: (err as Error).message }];
  }
  try {
    const checks = [await dogPageCheck(kona.url, setup.slug)];
    checks.push(setup.signIn ? await signInCheck(kona.url, setup.slug, setup.signIn) : { name: 'sign-in', ok: false, detail: 'the restored rescue has no active admin to sign in as' });
    return checks;
  } catch (err) {
    return [{ name: 'smoke', ok: false, detail: (err as Error).message }];
  } finally {
    await kona.stop();
  }
}
