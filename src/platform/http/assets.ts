import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../runtime/paths.js';
import { iconFrom, sendIcon, type Icon } from './icon.js';

// Our own map rather than @fastify/send's: its mime table answers application/javascript for .js.
const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };
const yearMs = 365 * 24 * 3600 * 1000;

/** Fingerprinted static files: `name.<hash>.ext` URLs that can be cached for a year. */
export class Assets {
  /** Fingerprinted name → the file's name in the directory. */
  private readonly files = new Map<string, { name: string; type: string }>();
  private readonly urls = new Map<string, string>();
  /** Kona's own icon (public/favicon.ico): `/favicon.ico` at the root, and a rescue's until it has its own. */
  readonly favicon: Icon;

  // Hashes are taken once at start: public/ belongs to the installed package and does not change under a running process.
  constructor(private readonly dir = path.join(packageRoot(), 'public')) {
    for (const name of readdirSync(dir)) {
      const ext = path.extname(name);
      const type = types[ext];
      if (!type) continue;
      const hash = createHash('sha256').update(readFileSync(path.join(dir, name))).digest('hex').slice(0, 12);
      const fingerprinted = `${path.basename(name, ext)}.${hash}${ext}`;
      this.files.set(fingerprinted, { name, type });
      this.urls.set(name, `/assets/${fingerprinted}`);
    }
    this.favicon = iconFrom(readFileSync(path.join(dir, 'favicon.ico')), 'image/x-icon');
  }

  /** The fingerprinted URL of a file in public/. */
  url(name: string): string {
    const url = this.urls.get(name);
    if (!url) throw new Error(`No asset named ${name} in public/`);
    return url;
  }

  /** Serves /assets/* through @fastify/static (ETag, Last-Modified, 304, ranges) with immutable, year-long caching, and /favicon.ico. */
  register(app: FastifyInstance): void {
    // Own scope so the sendFile decorator stays here; serve: false because only known fingerprints map to files.
    void app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: this.dir, serve: false, cacheControl: true, maxAge: yearMs, immutable: true, contentType: false });
      scope.get<{ Params: { file: string } }>('/assets/:file', { config: { permission: 'public' } }, async (request, reply) => {
        const file = this.files.get(request.params.file);
        if (!file) return reply.code(404).type('text/plain').send('No such asset');
        return reply.type(file.type).sendFile(file.name);
      });
      scope.get('/favicon.ico', { config: { permission: 'public' } }, (request, reply) => sendIcon(request, reply, this.favicon));
    });
  }
}
