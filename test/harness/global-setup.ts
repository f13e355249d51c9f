import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres.js';

// Tests that spawn the real `kona` binary run dist/; compile it once per run so it matches src/.
function buildDist(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

let server: PostgresServer | undefined;

/** Starts one PostgreSQL server for the whole run; each test creates its own databases on it. */
export async function setup(project: TestProject): Promise<void> {
  buildDist();
  if (process.env.KONA_TEST_PG_URL) {
    project.provide('pgUrl', process.env.KONA_TEST_PG_URL);
    return;
  }
  server = await startPostgres();
  project.provide('pgUrl', server.url);
}

/** Stops the server and removes its directory. */
export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
