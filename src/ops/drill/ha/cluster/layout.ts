/**
 * What `kona drill up` writes to `<dir>/cluster.json` (mode 0600: it holds the cluster's local
 * passwords) so `status`, `down` and the drills' control API work from another invocation.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProcessRecord } from './procs.js';

/** One etcd member's ports. */
export interface EtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
}

/** One Patroni-managed PostgreSQL instance. */
export interface PgMember {
  name: string;
  pgPort: number;
  restPort: number;
  /** Its folder (owned by the server user): data/, the socket, patroni.yml. */
  dir: string;
  dataDir: string;
}

/** The cluster as started. */
export interface ClusterLayout {
  version: 1;
  dir: string;
  scope: string;
  startedAt: string;
  etcd: EtcdMember[];
  members: PgMember[];
  haproxy: { rwPort: number; webPort: number; statsPort: number };
  web: Array<{ name: string; port: number }>;
  dispatcherPort: number;
  simPorts: number[];
  prometheusPort: number;
  alertmanagerPort: number;
  triagePort: number;
  /** Local passwords (superuser, replication, the app user) and tokens. */
  secrets: { superuser: string; replication: string; app: string; dispatcherToken: string; triageToken: string };
  /** The `kona serve` environment every web replica got (restartWeb reuses it). */
  webEnv: Record<string, string>;
  processes: ProcessRecord[];
}

/** The file beside everything else. */
export function layoutFile(dir: string): string {
  return path.join(dir, 'cluster.json');
}

/** Reads cluster.json, or throws saying no cluster was started there. */
export function readLayout(dir: string): ClusterLayout {
  const file = layoutFile(dir);
  if (!existsSync(file)) throw new Error(`No drill cluster in ${dir} (no cluster.json): start one with \`kona drill up --dir ${dir}\`.`);
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterLayout;
}

/** Writes cluster.json (0600). */
export function writeLayout(layout: ClusterLayout): void {
  writeFileSync(layoutFile(layout.dir), `${JSON.stringify(layout, null, 2)}\n`, { mode: 0o600 });
}

/** A URL on haproxy's read-write address (the current primary) for `user`. */
export function rwUrl(layout: ClusterLayout, database: string, user: 'app' | 'superuser' = 'app'): string {
  const [name, pw] = user === 'app' ? ['kona', layout.secrets.app] : ['postgres', layout.secrets.superuser];
  return `postgres://${name}:${encodeURIComponent(pw)}@127.0.0.1:${layout.haproxy.rwPort}/${database}`;
}

/** A URL straight to one member (bypassing haproxy), as the superuser. */
export function memberUrl(layout: ClusterLayout, member: PgMember, database = 'postgres'): string {
  return `postgres://postgres:${encodeURIComponent(layout.secrets.superuser)}@127.0.0.1:${member.pgPort}/${database}`;
}
