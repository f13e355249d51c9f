/** `kona drill status`: what each part of the local cluster says about itself, and which processes live. */
import { readLayout } from './layout.js';
import { etcdHealth, haproxyView, patroniMembers, type PatroniMember } from './probes.js';
import { alive } from './procs.js';

/** The cluster's state as `status` prints it (and `--json` returns it). */
export interface ClusterStatus {
  dir: string;
  members: PatroniMember[];
  etcd: Record<string, boolean>;
  haproxy: Record<string, Record<string, string>>;
  web: Record<string, boolean>;
  processes: Record<string, boolean>;
  addresses: { web: string; rw: string; prometheus: string; alertmanager: string };
}

/** Asks every part of the cluster in `dir`. */
export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const layout = readLayout(dir);
  const web: Record<string, boolean> = {};
  for (const w of layout.web) {
    const res = await fetch(`http://127.0.0.1:${w.port}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    await res?.arrayBuffer();
    web[w.name] = res?.status === 200;
  }
  return {
    dir: layout.dir,
    members: await patroniMembers(layout),
    etcd: await etcdHealth(layout),
    haproxy: await haproxyView(layout),
    web,
    processes: Object.fromEntries(layout.processes.map((r) => [r.name, alive(-r.pid)])),
    addresses: clusterAddresses(layout),
  };
}

/** The addresses a person uses (no passwords: the rw URL names the user only). */
export function clusterAddresses(layout: ReturnType<typeof readLayout>): ClusterStatus['addresses'] {
  return {
    web: `http://127.0.0.1:${layout.haproxy.webPort}`,
    rw: `postgres://kona@127.0.0.1:${layout.haproxy.rwPort}/kona_control`,
    prometheus: `http://127.0.0.1:${layout.prometheusPort}`,
    alertmanager: `http://127.0.0.1:${layout.alertmanagerPort}`,
  };
}

/** Status as lines for a person. */
export function formatStatus(s: ClusterStatus): string {
  const lines = [`Drill cluster in ${s.dir}`, 'PostgreSQL (Patroni):'];
  for (const m of s.members) lines.push(`  ${m.name}  ${m.role.padEnd(12)} ${m.state.padEnd(10)} timeline ${m.timeline ?? '-'}  lag ${m.lag ?? '-'}`);
  if (!s.members.length) lines.push('  no Patroni answers');
  lines.push(`etcd: ${Object.entries(s.etcd).map(([n, ok]) => `${n} ${ok ? 'healthy' : 'DOWN'}`).join(', ')}`);
  for (const [proxy, servers] of Object.entries(s.haproxy)) lines.push(`haproxy ${proxy}: ${Object.entries(servers).map(([n, st]) => `${n} ${st}`).join(', ')}`);
  lines.push(`web replicas ready: ${Object.entries(s.web).map(([n, ok]) => `${n} ${ok ? 'yes' : 'NO'}`).join(', ')}`);
  const dead = Object.entries(s.processes).filter(([, ok]) => !ok).map(([n]) => n);
  lines.push(`processes: ${Object.keys(s.processes).length - dead.length} of ${Object.keys(s.processes).length} alive${dead.length ? ` (not running: ${dead.join(', ')})` : ''}`);
  lines.push(`web ${s.addresses.web}  rw ${s.addresses.rw}  prometheus ${s.addresses.prometheus}  alertmanager ${s.addresses.alertmanager}`);
  return lines.join('\n');
}
