/**
 * The cluster's processes: each spawned detached (its own process group, so a signal to the group
 * reaches whatever it started, e.g. Patroni's postgres), its output appended to a log file, its pid
 * kept in cluster.json so another `kona` invocation can stop it. PostgreSQL refuses root, so Patroni
 * runs as the `postgres` user when we are root.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** A system user a process runs as. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** One process of the cluster as cluster.json keeps it. */
export interface ProcessRecord {
  /** Its role and index: etcd1, patroni2, haproxy, web1, worker, dispatcher, sim1, prometheus, … */
  name: string;
  pid: number;
  log: string;
}

/** How to start one process. */
export interface SpawnSpec {
  name: string;
  bin: string;
  args: string[];
  log: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  runAs?: RunAs;
}

/** The unprivileged user for PostgreSQL and Patroni when running as root (`postgres`), else none. */
export function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a detached process in its own group, output appended to its log; it outlives this one. */
export function spawnDetached(spec: SpawnSpec): Promise<ProcessRecord> {
  const fd = openSync(spec.log, 'a', 0o640);
  try {
    const child = spawn(spec.bin, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', fd, fd], ...(spec.runAs ?? {}) });
    return new Promise((resolve, reject) => {
      child.once('error', (err) => reject(new Error(`${spec.name}: cannot start ${spec.bin}: ${err.message}`)));
      child.once('spawn', () => {
        child.unref();
        resolve({ name: spec.name, pid: child.pid!, log: spec.log });
      });
    });
  } finally {
    closeSync(fd);
  }
}

/** Whether a process (or, with a negative pid, a process group) still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends a signal to a process group; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to every group, SIGKILL to those left after `graceMs`; resolves with the names of groups
 * still present after that (empty when all are gone).
 */
export async function stopGroups(records: ProcessRecord[], graceMs = 10_000): Promise<string[]> {
  for (const r of records) signalGroup(r.pid, 'SIGTERM');
  const left = () => records.filter((r) => alive(-r.pid));
  const until = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (left().length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  };
  await until(graceMs);
  for (const r of left()) signalGroup(r.pid, 'SIGKILL');
  await until(5_000);
  return left().map((r) => r.name);
}
