/**
 * `kona drill down`: stops every process of the cluster by process group (SIGTERM, SIGKILL after a
 * bounded wait), then any postmaster Patroni left in a session of its own, checks nothing is left
 * and removes the folder unless asked to keep it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readLayout, type ClusterLayout } from './layout.js';
import { alive, stopGroups, type ProcessRecord } from './procs.js';

/** The postmasters still running in the members' data directories (Patroni starts them in their own session). */
export function postmasters(layout: ClusterLayout): ProcessRecord[] {
  const found: ProcessRecord[] = [];
  for (const m of layout.members) {
    const file = path.join(m.dataDir, 'postmaster.pid');
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 1 && alive(pid)) found.push({ name: `postgres-${m.name}`, pid, log: '' });
  }
  return found;
}

/**
 * Stops every process of `layout`: Kona's side and the monitoring first (so the databases are not
 * stopped under them), then the rest, then postmasters left behind. Returns what would not stop.
 */
export async function stopCluster(layout: ClusterLayout, graceMs = 10_000): Promise<string[]> {
  const running = layout.processes.filter((r) => alive(-r.pid));
  const clients = running.filter((r) => /^(web|worker|prometheus|alertmanager|triage|dispatcher|sim)/.test(r.name));
  const stuck = await stopGroups(clients, graceMs);
  stuck.push(...await stopGroups(running.filter((r) => !clients.includes(r)), graceMs + 5_000));
  const pms = postmasters(layout);
  for (const pm of pms) {
    try {
      process.kill(pm.pid, 'SIGQUIT');
    } catch {
      // gone meanwhile
    }
  }
  const deadline = Date.now() + 10_000;
  while (pms.some((p) => alive(p.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pm of pms.filter((p) => alive(p.pid))) stuck.push(pm.name);
  return stuck;
}

/** What `down` did. */
export interface DownResult {
  stopped: string[];
  removed: boolean;
}

/** Stops the cluster in `dir`; throws naming any process that would not stop (the folder is then kept). */
export async function clusterDown(dir: string, options: { keep?: boolean; graceMs?: number } = {}): Promise<DownResult> {
  const layout = readLayout(path.resolve(dir));
  const running = layout.processes.filter((r) => alive(-r.pid));
  const stuck = await stopCluster(layout, options.graceMs);
  if (stuck.length) throw new Error(`These processes did not stop: ${stuck.join(', ')}; ${layout.dir} is kept.`);
  const removed = !options.keep;
  if (removed) rmSync(layout.dir, { recursive: true, force: true });
  return { stopped: running.map((r) => r.name), removed };
}
