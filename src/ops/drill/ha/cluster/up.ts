/**
 * `kona drill up`: starts the local HA cluster as detached processes (etcd ×3, Patroni ×3 over
 * PostgreSQL, haproxy, `kona serve` ×N, `kona worker`, the dispatcher over two simulated GPU
 * backends, `kona triage`, Alertmanager, Prometheus), waits until it is healthy, records it in
 * cluster.json and returns, leaving it running. On failure everything started is stopped again and
 * the folder (with its logs) is kept.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { generateSecrets } from '../../../../platform/crypto/secrets.js';
import { packageRoot } from '../../../../platform/runtime/paths.js';
import { freePort, postgresBinDir } from '../../pg-server.js';
import { readLayout, rwUrl, writeLayout, type ClusterLayout } from './layout.js';
import { etcdHealth, getJson, healthyShape, patroniMembers, waitFor, WaitAborted } from './probes.js';
import { stopCluster } from './down.js';
import { alive, spawnDetached, unprivilegedUser, type ProcessRecord, type RunAs } from './procs.js';
import { alertmanagerYml, dispatcherConfig, drillRules, etcdArgs, haproxyCfg, patroniYml, prometheusYml } from './render.js';
import { konaCommand, runKona, startWeb } from './kona.js';

/** What `up` was asked for. */
export interface UpOptions {
  dir: string;
  web: number;
  /** Bound on the whole wait (default 240 s). */
  timeoutMs?: number;
  /** Progress lines (the CLI prints them). */
  progress?: (line: string) => void;
}

/** The programs the cluster needs, with the Debian package that brings each. */
const programs = {
  etcd: ['/usr/bin/etcd', 'etcd-server'],
  patroni: ['/usr/bin/patroni', 'patroni (and python3-etcd3)'],
  haproxy: ['/usr/sbin/haproxy', 'haproxy'],
  prometheus: ['/usr/bin/prometheus', 'prometheus'],
  alertmanager: ['/usr/bin/prometheus-alertmanager', 'prometheus-alertmanager'],
} as const;

function program(name: keyof typeof programs): string {
  const [bin, pkg] = programs[name];
  const override = process.env[`KONA_DRILL_${name.toUpperCase()}_BIN`];
  if (override) return override;
  if (!existsSync(bin)) throw new Error(`${bin} not found: install Debian's ${pkg} package (.ci/run does), or set KONA_DRILL_${name.toUpperCase()}_BIN.`);
  return bin;
}

async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The layout of a new cluster in `dir`: free ports, fresh local passwords. */
async function planLayout(dir: string, web: number): Promise<ClusterLayout> {
  const p = await distinctPorts(6 + 6 + 3 + web + 1 + 2 + 3);
  const take = () => p.shift()!;
  const secret = () => randomBytes(18).toString('base64url');
  return {
    version: 1, dir, scope: `kona-drill-${randomBytes(3).toString('hex')}`, startedAt: new Date().toISOString(),
    etcd: [1, 2, 3].map((i) => ({ name: `etcd${i}`, clientPort: take(), peerPort: take() })),
    members: [1, 2, 3].map((i) => ({ name: `pg${i}`, pgPort: take(), restPort: take(), dir: path.join(dir, 'pg', `pg${i}`), dataDir: path.join(dir, 'pg', `pg${i}`, 'data') })),
    haproxy: { rwPort: take(), webPort: take(), statsPort: take() },
    web: Array.from({ length: web }, (_, i) => ({ name: `web${i + 1}`, port: take() })),
    dispatcherPort: take(), simPorts: [take(), take()], prometheusPort: take(), alertmanagerPort: take(), triagePort: take(),
    secrets: { superuser: secret(), replication: secret(), app: secret(), dispatcherToken: secret(), triageToken: secret() },
    webEnv: {},
    processes: [],
  };
}

/** The server user must enter every folder above its own: name the first it cannot. */
function checkReachable(dir: string, runAs: RunAs | undefined): void {
  if (!runAs) return;
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = statSync(d);
    const enters = st.uid === runAs.uid ? st.mode & 0o100 : st.gid === runAs.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!enters) throw new Error(`PostgreSQL runs as the postgres user, which cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}): give a --dir under a folder others may enter (e.g. /tmp or /var/tmp).`);
    if (d === path.dirname(d)) return;
  }
}

/** Fails a wait early when a process of the cluster has exited, with the end of its log. */
function guard(layout: ClusterLayout): void {
  const dead = layout.processes.find((r) => !alive(r.pid));
  if (!dead) return;
  const tail = existsSync(dead.log) ? readFileSync(dead.log, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
  throw new WaitAborted(`${dead.name} exited; the end of ${dead.log}:\n${tail}`);
}

/** Refuses a folder that already holds a running cluster or other files. */
function prepareDir(dir: string): void {
  if (existsSync(path.join(dir, 'cluster.json'))) {
    const running = readLayout(dir).processes.filter((r) => alive(-r.pid));
    if (running.length) throw new Error(`A drill cluster is already running in ${dir} (${running.map((r) => r.name).join(', ')}): \`kona drill down --dir ${dir}\` first.`);
    throw new Error(`${dir} holds a stopped cluster's files: remove it or use another --dir.`);
  }
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length) throw new Error(`${dir} is not empty: give an empty or new folder with --dir.`);
  // The server user must reach its folders below this one (mkdtemp makes 0700 folders).
  chmodSync(dir, 0o755);
  for (const sub of ['logs', 'etcd', 'pg', 'kona', 'prometheus', 'triage']) mkdirSync(path.join(dir, sub), { recursive: true });
}

/** Starts the cluster and waits until it is healthy; returns its layout. */
export async function clusterUp(opts: UpOptions): Promise<ClusterLayout> {
  const dir = path.resolve(opts.dir);
  const say = opts.progress ?? (() => {});
  const bins = { etcd: program('etcd'), patroni: program('patroni'), haproxy: program('haproxy'), prometheus: program('prometheus'), alertmanager: program('alertmanager'), pg: postgresBinDir() };
  checkReachable(dir, unprivilegedUser());
  prepareDir(dir);
  const layout = await planLayout(dir, opts.web);
  writeLayout(layout);
  const deadline = Date.now() + (opts.timeoutMs ?? 240_000);
  const left = () => Math.max(1000, deadline - Date.now());
  const wait = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs?: number) =>
    waitFor(what, async () => {
      guard(layout);
      return check();
    }, timeoutMs, everyMs).catch((err: Error) => {
      guard(layout);
      throw err;
    });
  const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };
  const start = async (name: string, bin: string, args: string[], extra: { env?: Record<string, string>; runAs?: ReturnType<typeof unprivilegedUser>; cwd?: string } = {}) => {
    const rec: ProcessRecord = await spawnDetached({ name, bin, args, log: path.join(dir, 'logs', `${name}.log`), cwd: extra.cwd ?? dir, env: { ...baseEnv, HOME: dir, ...extra.env }, runAs: extra.runAs });
    layout.processes.push(rec);
    writeLayout(layout);
    return rec;
  };
  try {
    say('etcd: starting three members');
    for (let i = 0; i < 3; i++) await start(layout.etcd[i]!.name, bins.etcd, etcdArgs(layout, i));
    await wait('etcd: all three members healthy', async () => (Object.values(await etcdHealth(layout)).every(Boolean) ? true : undefined), left());

    say('patroni: bootstrapping three PostgreSQL members (strict synchronous replication)');
    const runAs = unprivilegedUser();
    for (const m of layout.members) {
      mkdirSync(m.dir, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(m.dir, 'patroni.yml'), patroniYml(layout, m, bins.pg), { mode: 0o600 });
      if (runAs) {
        chownSync(m.dir, runAs.uid, runAs.gid);
        chownSync(path.join(m.dir, 'patroni.yml'), runAs.uid, runAs.gid);
      }
      await start(`patroni-${m.name}`, bins.patroni, [path.join(m.dir, 'patroni.yml')], { runAs, cwd: m.dir, env: { HOME: m.dir } });
    }
    await wait('Patroni: one leader and two streaming standbys, one synchronous', async () => (healthyShape(await patroniMembers(layout), 3) ? true : undefined), left(), 500);

    say('haproxy: read-write address on the primary, web address on the replicas');
    writeFileSync(path.join(dir, 'haproxy.cfg'), haproxyCfg(layout));
    await start('haproxy', bins.haproxy, ['-db', '-f', path.join(dir, 'haproxy.cfg')]);
    await wait('haproxy: writes routed to the leader', () => writesReachLeader(layout), left(), 500);
    await prepareDatabases(layout);

    say('kona: dispatcher, simulated GPU backends, triage, migrations, demo rescue, web replicas, worker');
    await startKonaSide(layout, start, wait, left);

    say('prometheus and alertmanager');
    await startAlerting(layout, start, bins, wait, left);
    return layout;
  } catch (err) {
    const stuck = await stopCluster(layout, 5000);
    throw new Error(`${(err as Error).message}\nEverything started was stopped${stuck.length ? ` except ${stuck.join(', ')}` : ''}; logs are in ${path.join(dir, 'logs')}.`, { cause: err });
  }
}

/** Whether a connection through haproxy's rw address lands on Patroni's leader. */
async function writesReachLeader(layout: ClusterLayout): Promise<true | undefined> {
  const leader = (await patroniMembers(layout)).find((m) => m.role === 'leader');
  if (!leader) return undefined;
  const client = new pg.Client({ connectionString: rwUrl(layout, 'postgres', 'superuser'), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const row = (await client.query<{ port: number; ro: boolean }>('select inet_server_port() as port, pg_is_in_recovery() as ro')).rows[0]!;
    return !row.ro && row.port === leader.port ? true : undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The app user (may create databases), the control-plane database, pgvector in template1 where installed. */
async function prepareDatabases(layout: ClusterLayout): Promise<void> {
  const client = new pg.Client({ connectionString: rwUrl(layout, 'postgres', 'superuser') });
  await client.connect();
  try {
    await client.query(`create role kona login createdb password '${layout.secrets.app}'`);
    await client.query('create database kona_control owner kona');
    const vector = await client.query(`select 1 from pg_available_extensions where name = 'vector'`);
    if (vector.rowCount) {
      const t1 = new pg.Client({ connectionString: rwUrl(layout, 'template1', 'superuser') });
      await t1.connect();
      await t1.query('create extension if not exists vector').finally(() => t1.end());
      const ctl = new pg.Client({ connectionString: rwUrl(layout, 'kona_control', 'superuser') });
      await ctl.connect();
      await ctl.query('create extension if not exists vector').finally(() => ctl.end());
    }
  } finally {
    await client.end();
  }
}

type Wait = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs?: number) => Promise<T>;

type Start = (name: string, bin: string, args: string[], extra?: { env?: Record<string, string>; cwd?: string }) => Promise<ProcessRecord>;

async function startKonaSide(layout: ClusterLayout, start: Start, wait: Wait, left: () => number): Promise<void> {
  const dir = layout.dir;
  const kona = konaCommand();
  const model = 'kona-drafting';
  for (const [i, port] of layout.simPorts.entries()) {
    await start(`sim${i + 1}`, kona.bin, [...kona.args, 'sim-backend', '--port', String(port), '--model', model], { env: { KONA_LOG_LEVEL: 'warn' } });
  }
  writeFileSync(path.join(dir, 'kona', 'dispatcher.json'), dispatcherConfig(layout, model));
  const common = { KONA_LOG_LEVEL: 'info', KONA_DISPATCHER_TOKEN: layout.secrets.dispatcherToken, KONA_DATA_DIR: path.join(dir, 'kona', 'data') };
  await start('dispatcher', kona.bin, [...kona.args, 'dispatcher', '--config', path.join(dir, 'kona', 'dispatcher.json'), '--port', String(layout.dispatcherPort)], { env: common });
  copyFileSync(path.join(packageRoot(), 'deploy', 'triage-policy.example.yaml'), path.join(dir, 'triage', 'policy.yaml'));
  await start('triage', kona.bin, [...kona.args, 'triage', '--policy', path.join(dir, 'triage', 'policy.yaml'), '--port', String(layout.triagePort)], {
    env: { KONA_LOG_LEVEL: 'info', KONA_DATA_DIR: path.join(dir, 'triage'), KONA_TRIAGE_TOKEN: layout.secrets.triageToken, KONA_TRIAGE_PROMETHEUS_URL: `http://127.0.0.1:${layout.prometheusPort}` },
  });

  const keysFile = path.join(dir, 'kona', 'keys.json');
  writeFileSync(keysFile, JSON.stringify(generateSecrets()), { mode: 0o600 });
  layout.webEnv = {
    ...common,
    KONA_HOST: '127.0.0.1',
    KONA_CONTROL_DATABASE_URL: rwUrl(layout, 'kona_control'),
    KONA_TENANT_SERVER_URL: rwUrl(layout, 'postgres'),
    KONA_KEYS_FILE: keysFile,
    KONA_BACKUP_DIR: path.join(dir, 'kona', 'backups'),
    KONA_BACKUP_DUMP_CRON: 'off', KONA_BACKUP_SNAPSHOT_CRON: 'off', KONA_BACKUP_RESTIC_CRON: 'off',
    KONA_DEMO: 'false', KONA_JOBS: 'false', KONA_TRUST_PROXY: 'true', KONA_SHUTDOWN_GRACE_SECONDS: '3',
    KONA_PUBLIC_URL: `http://127.0.0.1:${layout.haproxy.webPort}`,
    KONA_DISPATCHER_URL: `http://127.0.0.1:${layout.dispatcherPort}`,
  };
  writeLayout(layout);
  // One process migrates the control plane and creates the demo rescue before the replicas race to.
  await runKona(layout.webEnv, ['migrate'], path.join(dir, 'logs', 'setup.log'));
  await runKona(layout.webEnv, ['tenant', 'create', 'demo', '--name', 'Demo Rescue (drill)', '--server'], path.join(dir, 'logs', 'setup.log'));
  for (const w of layout.web) await startWeb(layout, w.name, start);
  await start('worker', kona.bin, [...kona.args, 'worker'], { env: layout.webEnv });
  await wait('the dispatcher answering', async () => ((await getJson(`http://127.0.0.1:${layout.dispatcherPort}/health`))?.status === 200 ? true : undefined), left());
  await wait('triage answering', async () => ((await getJson(`http://127.0.0.1:${layout.triagePort}/health`))?.status === 200 ? true : undefined), left());
  await wait('every web replica ready (/readyz 200) through haproxy', () => allWebReadyThroughHaproxy(layout), left(), 500);
}

/** True once each web replica has answered /readyz 200 through haproxy's web address. */
async function allWebReadyThroughHaproxy(layout: ClusterLayout): Promise<true | undefined> {
  const seen = new Set<string>();
  for (let i = 0; i < layout.web.length * 3 && seen.size < layout.web.length; i++) {
    const res = await fetch(`http://127.0.0.1:${layout.haproxy.webPort}/readyz`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
    await res?.arrayBuffer();
    const name = res?.headers.get('x-kona-web');
    if (res?.status === 200 && name) seen.add(name);
  }
  return seen.size === layout.web.length ? true : undefined;
}

async function startAlerting(layout: ClusterLayout, start: Start, bins: { prometheus: string; alertmanager: string }, wait: Wait, left: () => number): Promise<void> {
  const p = path.join(layout.dir, 'prometheus');
  writeFileSync(path.join(p, 'alertmanager.yml'), alertmanagerYml(layout));
  writeFileSync(path.join(p, 'drill-rules.yml'), drillRules());
  const deployDir = path.join(packageRoot(), 'deploy', 'prometheus');
  const repoRules = readdirSync(deployDir).filter((f) => f.endsWith('-rules.yaml')).map((f) => path.join(deployDir, f));
  writeFileSync(path.join(p, 'prometheus.yml'), prometheusYml(layout, [...repoRules, path.join(p, 'drill-rules.yml')]));
  const am = `http://127.0.0.1:${layout.alertmanagerPort}`;
  await start('alertmanager', bins.alertmanager, [`--config.file=${path.join(p, 'alertmanager.yml')}`, `--storage.path=${path.join(p, 'am-data')}`, `--web.listen-address=127.0.0.1:${layout.alertmanagerPort}`, '--cluster.listen-address=']);
  await start('prometheus', bins.prometheus, [`--config.file=${path.join(p, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(p, 'data')}`, '--storage.tsdb.retention.time=1d', `--web.listen-address=127.0.0.1:${layout.prometheusPort}`]);
  await wait('alertmanager ready', async () => ((await getJson(`${am}/-/ready`))?.status === 200 ? true : undefined), left());
  await wait('prometheus ready', async () => ((await getJson(`http://127.0.0.1:${layout.prometheusPort}/-/ready`))?.status === 200 ? true : undefined), left());
  // A synthetic alert proves the path Alertmanager → triage before `up` says the cluster is ready.
  const alert = [{ labels: { alertname: 'KonaDrillClusterUp', severity: 'info', scope: layout.scope }, annotations: { summary: 'The drill cluster is up' } }];
  await fetch(`${am}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert) });
  await wait('triage receiving alerts from Alertmanager', async () => {
    const res = await fetch(`http://127.0.0.1:${layout.triagePort}/api/deliveries?limit=5`, { headers: { authorization: `Bearer ${layout.secrets.triageToken}` }, signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { deliveries?: unknown[] };
    return res.status === 200 && (body.deliveries?.length ?? 0) > 0 ? true : undefined;
  }, left(), 500);
}
