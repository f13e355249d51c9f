import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../runtime/paths.js';

const types: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

/** Fingerprinted static files: `name.<hash>.ext` URLs that can be cached for a year. */
export class Assets {
  private readonly files = new Map<string, { body: Buffer; type: string; etag: string }>();
  private readonly urls = new Map<string, string>();

  constructor(dir = path.join(packageRoot(), 'public')) {
    for (const name of readdirSync(dir)) {
      const ext = path.extname(name);
      const type = types[ext];
      if (!type) continue;
      const body = readFileSync(path.join(dir, name));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const fingerprinted = `${path.basename(name, ext)}.${hash}${ext}`;
      this.files.set(fingerprinted, { body, type, etag: `"${hash}"` });
      this.urls.set(name, `/assets/${fingerprinted}`);
    }
  }

  /** The fingerprinted URL of a file in public/. */
  url(name: string): string {
    const url = this.urls.get(name);
    if (!url) throw new Error(`No asset named ${name} in public/`);
    return url;
  }

  /** Serves /assets/* with immutable, year-long caching. */
  register(app: FastifyInstance): void {
    app.get<{ Params: { file: string } }>('/assets/:file', { config: { permission: 'public' } }, async (request, reply) => {
      const file = this.files.get(request.params.file);
      if (!file) return reply.code(404).type('text/plain').send('No such asset');
      reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', file.etag).type(file.type);
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      return reply.send(file.body);
    });
  }
}
