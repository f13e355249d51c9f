import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServer } from './postgres.js';

let server: PostgresServer | undefined;

/** Starts one PostgreSQL server for the whole run; each test creates its own databases on it. */
export async function setup(project: TestProject): Promise<void> {
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
