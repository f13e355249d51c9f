/**
 * The drills' handle on a running local cluster (`kona drill up`): who is primary, and the faults
 * to inject — kill the primary's node, a planned switchover, a lagging standby, members and web
 * replicas stopped and started again. Everything goes through real signals and Patroni's REST API;
 * cluster.json is updated when a process is started again, so `status` and `down` keep working.
 *
 * Network partitions (not built yet): run each PostgreSQL member in its own network namespace
 * (`ip netns add kona-pgN`; a veth pair into a bridge `kona-drill0` on the host, 10.77.0.N/24;
 * Patroni, etcd and haproxy then use those addresses instead of 127.0.0.1), cut a member off with
 * `ip link set <veth> down` or add delay and loss with `tc qdisc add dev <veth> root netem delay
 * 200ms loss 5%`. Needs root (CI has it); `down` must delete the namespaces and the bridge.
 */
import path from 'node:path';
import pg from 'pg';
import { memberUrl, readLayout, rwUrl, writeLayout, type ClusterLayout, type PgMember } from './layout.js';
import { startWeb } from './kona.js';
import { postmasters } from './down.js';
import { healthyShape, patroniMembers, waitFor, type PatroniMember } from './probes.js';
import { alive, signalGroup, spawnDetached, stopGroups, unprivilegedUser, type ProcessRecord } from './procs.js';

/** A running drill cluster, as the drills drive it. */
export class ClusterControl {
  private constructor(private readonly layout: ClusterLayout) {}

  /** Opens the cluster started in `dir`. */
  static open(dir: string): ClusterControl {
    return new ClusterControl(readLayout(path.resolve(dir)));
  }

  /** haproxy's read-write address (follows the primary), as the app user, on `database`. */
  rwUrl(database = 'kona_control'): string {
    return rwUrl(this.layout, database);
  }

  /** haproxy's web address (balances the Kona replicas). */
  get webUrl(): string {
    return `http://127.0.0.1:${this.layout.haproxy.webPort}`;
  }

  /** Each member's own URL (superuser, bypassing haproxy), for the checker. */
  dbUrls(database = 'kona_control'): Record<string, string> {
    return Object.fromEntries(this.layout.members.map((m) => [m.name, memberUrl(this.layout, m, database)]));
  }

  /** The members as Patroni sees them (role, state, timeline, lag). */
  members(): Promise<PatroniMember[]> {
    return patroniMembers(this.layout);
  }

  /** The current leader, or undefined while there is none. */
  async primary(): Promise<PatroniMember | undefined> {
    return (await this.members()).find((m) => m.role === 'leader');
  }

  /**
   * The primary's node dies: `signal` to its Patroni's process group and to its postmaster (which
   * Patroni starts in a session of its own). Returns the member's name.
   */
  async killPrimary(signal: NodeJS.Signals = 'SIGKILL'): Promise<string> {
    const leader = await this.primary();
    if (!leader) throw new Error('No primary to kill: the cluster has no leader now');
    const member = this.member(leader.name);
    signalGroup(this.process(`patroni-${member.name}`).pid, signal);
    for (const pm of postmasters({ ...this.layout, members: [member] })) if (!signalGroup(pm.pid, signal)) process.kill(pm.pid, signal);
    return member.name;
  }

  /** A planned switchover through Patroni's REST API; resolves with the new leader once it runs. */
  async switchover(to?: string, timeoutMs = 60_000): Promise<string> {
    const leader = await this.primary();
    if (!leader) throw new Error('No primary to switch over from');
    const from = this.member(leader.name);
    const res = await fetch(`http://127.0.0.1:${from.restPort}/switchover`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ leader: from.name, ...(to ? { candidate: to } : {}) }),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`Patroni refused the switchover (${res.status}): ${text}`);
    return waitFor('the new leader after the switchover', async () => {
      const now = (await this.members()).find((m) => m.role === 'leader' && m.state === 'running');
      return now && now.name !== from.name ? now.name : undefined;
    }, timeoutMs);
  }

  /** Waits until there is one running leader and every other member streams, one synchronously. */
  async waitHealthy(timeoutMs = 60_000): Promise<PatroniMember[]> {
    return waitFor('one leader and every standby streaming', async () => {
      const members = await this.members();
      return healthyShape(members, this.layout.members.length) ? members : undefined;
    }, timeoutMs, 500);
  }

  /** Freezes a standby's WAL receiver (SIGSTOP) so it falls behind; call the returned function to resume it. */
  async pausePgReceiver(memberName: string): Promise<() => void> {
    const member = this.member(memberName);
    // Right after a switchover a standby may still be reconnecting: wait a little for its receiver.
    const pid = await waitFor(`${memberName}'s WAL receiver (is it a streaming standby?)`, async () => {
      const client = new pg.Client({ connectionString: memberUrl(this.layout, member), connectionTimeoutMillis: 2000 });
      await client.connect();
      return client.query<{ pid: number }>(`select pid from pg_stat_wal_receiver where status = 'streaming'`).then((r) => r.rows[0]?.pid).finally(() => client.end());
    }, 15_000);
    process.kill(pid, 'SIGSTOP');
    return () => process.kill(pid, 'SIGCONT');
  }

  /** Stops a member (Patroni stops its PostgreSQL on SIGTERM); resolves when both are gone. */
  async stopMember(memberName: string): Promise<void> {
    const member = this.member(memberName);
    const pms = postmasters({ ...this.layout, members: [member] });
    const stuck = await stopGroups([this.process(`patroni-${member.name}`), ...pms], 30_000);
    if (stuck.length) throw new Error(`${memberName} did not stop: ${stuck.join(', ')}`);
  }

  /** Starts a stopped member's Patroni again (it rejoins, rewinding or re-cloning as needed). */
  async startMember(memberName: string): Promise<void> {
    const member = this.member(memberName);
    const name = `patroni-${member.name}`;
    if (alive(-this.process(name).pid)) throw new Error(`${memberName} is running`);
    const log = path.join(this.layout.dir, 'logs', `${name}.log`);
    this.replace(await spawnDetached({
      name, bin: process.env.KONA_DRILL_PATRONI_BIN ?? '/usr/bin/patroni', args: [path.join(member.dir, 'patroni.yml')], log, cwd: member.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', HOME: member.dir }, runAs: unprivilegedUser(),
    }));
  }

  /** Kills web replica `i` (1-based) with SIGKILL; resolves once it is gone. */
  async killWeb(i: number): Promise<void> {
    const pid = this.process(`web${i}`).pid;
    signalGroup(pid, 'SIGKILL');
    await waitFor(`web${i} gone`, async () => (alive(-pid) ? undefined : true), 10_000, 50);
  }

  /** Starts web replica `i` again; resolves when it answers /readyz 200 on its own port. */
  async restartWeb(i: number, timeoutMs = 60_000): Promise<void> {
    const name = `web${i}`;
    if (alive(-this.process(name).pid)) throw new Error(`${name} is running`);
    await startWeb(this.layout, name, async (n, bin, args, extra) => {
      const rec = await spawnDetached({ name: n, bin, args, log: path.join(this.layout.dir, 'logs', `${n}.log`), cwd: this.layout.dir, env: { PATH: process.env.PATH, HOME: this.layout.dir, ...extra?.env } });
      this.replace(rec);
      return rec;
    });
    const port = this.layout.web[i - 1]!.port;
    await waitFor(`${name} ready`, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    }, timeoutMs, 250);
  }

  private member(name: string): PgMember {
    const m = this.layout.members.find((x) => x.name === name);
    if (!m) throw new Error(`No member ${name} (the cluster has ${this.layout.members.map((x) => x.name).join(', ')})`);
    return m;
  }

  private process(name: string): ProcessRecord {
    const r = this.layout.processes.find((x) => x.name === name);
    if (!r) throw new Error(`No process ${name} in this cluster`);
    return r;
  }

  private replace(rec: ProcessRecord): void {
    this.layout.processes = [...this.layout.processes.filter((r) => r.name !== rec.name), rec];
    writeLayout(this.layout);
  }
}
