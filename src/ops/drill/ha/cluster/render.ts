/**
 * The configuration files of the local HA cluster, rendered from its layout: pure functions, unit
 * tested (render.test.ts) for what the drills rely on: strict synchronous replication and haproxy
 * following Patroni's `/primary` check.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import type { ClusterLayout, PgMember } from './layout.js';

/** etcd's command line for member `i` of a three-member cluster on loopback. */
export function etcdArgs(layout: ClusterLayout, i: number): string[] {
  const m = layout.etcd[i]!;
  const peers = layout.etcd.map((e) => `${e.name}=http://127.0.0.1:${e.peerPort}`).join(',');
  return [
    `--name=${m.name}`, `--data-dir=${path.join(layout.dir, 'etcd', m.name)}`,
    `--listen-client-urls=http://127.0.0.1:${m.clientPort}`, `--advertise-client-urls=http://127.0.0.1:${m.clientPort}`,
    `--listen-peer-urls=http://127.0.0.1:${m.peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${m.peerPort}`,
    `--initial-cluster=${peers}`, '--initial-cluster-state=new', `--initial-cluster-token=${layout.scope}`,
    // A busy two-core box: etcd's defaults (100 ms / 1 s) elect new leaders on every hiccup.
    '--heartbeat-interval=250', '--election-timeout=2500',
  ];
}

/** The lines of pg_hba.conf: the local socket for the server user, passwords over loopback. */
export const pgHba = [
  'local all all trust',
  'host replication replicator 127.0.0.1/32 scram-sha-256',
  'host all all 127.0.0.1/32 scram-sha-256',
];

/**
 * patroni.yml for one member. Strict synchronous mode: a commit returns only once a standby has it,
 * and with no standby left writes wait instead of going on alone (what "nothing acknowledged is
 * lost" needs). A lost primary's leader key expires after ttl (10 s) and a standby takes over:
 * inside the 15 s target; loop_wait + 2 × retry_timeout must stay within ttl. The surviving standby
 * must then stream from the new primary before any commit returns (strict mode): its WAL receiver
 * retries every wal_retrieve_retry_interval, 5 s by default, which writes waited out after each
 * promotion; 500 ms.
 */
export function patroniYml(layout: ClusterLayout, member: PgMember, binDir: string): string {
  const s = layout.secrets;
  return stringify({
    scope: layout.scope,
    namespace: '/kona-drill/',
    name: member.name,
    log: { level: 'INFO' },
    restapi: { listen: `127.0.0.1:${member.restPort}`, connect_address: `127.0.0.1:${member.restPort}` },
    etcd3: { hosts: layout.etcd.map((e) => `127.0.0.1:${e.clientPort}`) },
    bootstrap: {
      dcs: {
        ttl: 10, loop_wait: 1, retry_timeout: 4, maximum_lag_on_failover: 1048576,
        synchronous_mode: true, synchronous_mode_strict: true,
        postgresql: {
          use_pg_rewind: true,
          parameters: { wal_level: 'replica', hot_standby: 'on', max_connections: 200, max_wal_senders: 10, max_replication_slots: 10, wal_keep_size: '256MB', wal_log_hints: 'on', password_encryption: 'scram-sha-256', wal_retrieve_retry_interval: '500ms' },
        },
      },
      initdb: [{ encoding: 'UTF8' }, { locale: 'C' }, 'data-checksums'],
    },
    postgresql: {
      listen: `127.0.0.1:${member.pgPort}`,
      connect_address: `127.0.0.1:${member.pgPort}`,
      data_dir: member.dataDir,
      bin_dir: binDir,
      pgpass: path.join(member.dir, 'pgpass'),
      authentication: {
        superuser: { username: 'postgres', password: s.superuser },
        replication: { username: 'replicator', password: s.replication },
        rewind: { username: 'postgres', password: s.superuser },
      },
      parameters: { unix_socket_directories: member.dir },
      pg_hba: pgHba,
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  });
}

/**
 * haproxy.cfg: `rw` sends PostgreSQL connections to the one member whose Patroni answers 200 on
 * `/primary`, and cuts the sessions of a member marked down (so clients reconnect to the new
 * primary instead of writing to a demoted one); `web` balances the Kona replicas and names the one
 * that answered in X-Kona-Web; `stats` serves haproxy's Prometheus exporter and its CSV view.
 */
export function haproxyCfg(layout: ClusterLayout): string {
  const h = layout.haproxy;
  return [
    'global',
    '  maxconn 4000',
    '',
    'defaults',
    '  timeout connect 2s',
    '  timeout client 30m',
    '  timeout server 30m',
    '  timeout check 2s',
    '',
    'listen rw',
    `  bind 127.0.0.1:${h.rwPort}`,
    '  mode tcp',
    '  option httpchk',
    '  http-check send meth GET uri /primary',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions',
    ...layout.members.map((m) => `  server ${m.name} 127.0.0.1:${m.pgPort} check port ${m.restPort}`),
    '',
    'frontend web',
    `  bind 127.0.0.1:${h.webPort}`,
    '  mode http',
    '  timeout client 60s',
    '  default_backend web',
    '',
    'backend web',
    '  mode http',
    '  balance roundrobin',
    '  timeout server 60s',
    '  option redispatch',
    '  retries 2',
    '  option httpchk',
    '  http-check send meth GET uri /healthz',
    '  http-check expect status 200',
    '  http-response set-header X-Kona-Web %s',
    '  default-server inter 1s fall 2 rise 1',
    ...layout.web.map((w) => `  server ${w.name} 127.0.0.1:${w.port} check`),
    '',
    'frontend stats',
    `  bind 127.0.0.1:${h.statsPort}`,
    '  mode http',
    '  timeout client 10s',
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '  stats enable',
    '  stats uri /stats',
    '',
  ].join('\n');
}

/** The rules the drill cluster adds to the repo's own (deploy/prometheus/*-rules.yaml). */
export function drillRules(): string {
  return stringify({
    groups: [{
      name: 'kona-drill', interval: '2s',
      rules: [
        { alert: 'KonaDrillNoPrimary', expr: 'sum(patroni_primary) < 1', for: '5s', labels: { severity: 'critical' }, annotations: { summary: 'No PostgreSQL primary in the drill cluster' } },
        { alert: 'KonaDrillTargetDown', expr: 'up == 0', for: '5s', labels: { severity: 'warning' }, annotations: { summary: 'A drill cluster process does not answer its scrape' } },
      ],
    }],
  });
}

/** prometheus.yml: scrapes every part each second and sends alerts to the local Alertmanager. */
export function prometheusYml(layout: ClusterLayout, ruleFiles: string[]): string {
  const loop = (ports: number[]) => ports.map((p) => `127.0.0.1:${p}`);
  return stringify({
    global: { scrape_interval: '2s', scrape_timeout: '1s', evaluation_interval: '2s' },
    rule_files: ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${layout.alertmanagerPort}`] }] }] },
    scrape_configs: [
      { job_name: 'kona-web', static_configs: [{ targets: loop(layout.web.map((w) => w.port)) }] },
      { job_name: 'kona-dispatcher', static_configs: [{ targets: loop([layout.dispatcherPort]) }] },
      { job_name: 'patroni', static_configs: [{ targets: loop(layout.members.map((m) => m.restPort)) }] },
      { job_name: 'haproxy', static_configs: [{ targets: loop([layout.haproxy.statsPort]) }] },
      { job_name: 'kona-triage', static_configs: [{ targets: loop([layout.triagePort]) }] },
    ],
  });
}

/** alertmanager.yml: every alert to `kona triage`'s webhook, with its bearer token. */
export function alertmanagerYml(layout: ClusterLayout): string {
  return stringify({
    route: { receiver: 'kona-triage', group_by: ['alertname'], group_wait: '1s', group_interval: '2s', repeat_interval: '1h' },
    receivers: [{
      name: 'kona-triage',
      webhook_configs: [{ url: `http://127.0.0.1:${layout.triagePort}/alertmanager`, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: layout.secrets.triageToken } } }],
    }],
  });
}

/** The dispatcher's configuration: two simulated GPU backends serving Kona's drafting model. */
export function dispatcherConfig(layout: ClusterLayout, model: string): string {
  return JSON.stringify({
    backends: layout.simPorts.map((port, i) => ({
      name: `sim-gpu-${i + 1}`, baseUrl: `http://127.0.0.1:${port}`, kind: 'vllm', tier: 'dedicated', models: [model], slots: 4,
    })),
  }, null, 2);
}
