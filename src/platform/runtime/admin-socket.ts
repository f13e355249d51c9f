import { createHash } from 'node:crypto';
import { chmodSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A command the CLI asks the running server to carry out. */
export interface AdminRequest {
  command: string;
  args: Record<string, unknown>;
}

/** The server's answer: a result, or an error message and HTTP-like status. */
export type AdminResponse = { ok: true; result: unknown } | { ok: false; error: string; status: number };

/** Where the admin socket lives: in the data directory, or in tmp when that path is too long for a socket. */
export function adminSocketPath(dataDir: string): string {
  const preferred = path.join(dataDir, 'kona.sock');
  if (preferred.length < 100) return preferred;
  return path.join(tmpdir(), `kona-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

/**
 * Listens on a Unix socket only the data directory's owner can reach (mode 0600): file permissions
 * are the authentication, as with PostgreSQL's own socket.
 */
export async function listenAdmin(socket: string, handle: (req: AdminRequest) => Promise<AdminResponse>): Promise<{ close(): Promise<void> }> {
  rmSync(socket, { force: true });
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      void (async () => {
        let answer: AdminResponse;
        try {
          answer = await handle(JSON.parse(body) as AdminRequest);
        } catch (err) {
          answer = { ok: false, error: (err as Error).message, status: 500 };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(socket, { force: true });
      }),
  };
}

/** Sends one command to a running server over its admin socket. */
export function callAdmin(socket: string, request: AdminRequest): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path: '/admin', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as AdminResponse);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(request));
  });
}
