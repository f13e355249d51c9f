import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ClusterLayout } from './layout.js';
import { alertmanagerYml, etcdArgs, haproxyCfg, patroniYml, prometheusYml } from './render.js';

const layout: ClusterLayout = {
  version: 1, dir: '/drill', scope: 'kona-drill-test', startedAt: '2026-12-08T00:00:00Z',
  etcd: [1, 2, 3].map((i) => ({ name: `etcd${i}`, clientPort: 2370 + i, peerPort: 2380 + i })),
  members: [1, 2, 3].map((i) => ({ name: `pg${i}`, pgPort: 5430 + i, restPort: 8000 + i, dir: `/drill/pg/pg${i}`, dataDir: `/drill/pg/pg${i}/data` })),
  haproxy: { rwPort: 6000, webPort: 6001, statsPort: 6002 },
  web: [{ name: 'web1', port: 7001 }, { name: 'web2', port: 7002 }],
  dispatcherPort: 7100, simPorts: [7101, 7102], prometheusPort: 9090, alertmanagerPort: 9093, triagePort: 7200,
  secrets: { superuser: 'su-pass', replication: 'repl-pass', app: 'app-pass', dispatcherToken: 'd'.repeat(20), triageToken: 't'.repeat(20) },
  webEnv: {}, processes: [],
};

describe('drill cluster configuration', () => {
  it('patroni.yml asks for strict synchronous replication, passwords over loopback and its own ports', () => {
    const y = parse(patroniYml(layout, layout.members[1]!, '/usr/lib/postgresql/15/bin'));
    expect(y.bootstrap.dcs).toMatchObject({ synchronous_mode: true, synchronous_mode_strict: true });
    expect(y.bootstrap.dcs.ttl).toBeGreaterThanOrEqual(y.bootstrap.dcs.loop_wait + 2 * y.bootstrap.dcs.retry_timeout);
    expect(y.name).toBe('pg2');
    expect(y.postgresql).toMatchObject({ listen: '127.0.0.1:5432', data_dir: '/drill/pg/pg2/data', bin_dir: '/usr/lib/postgresql/15/bin' });
    expect(y.restapi.listen).toBe('127.0.0.1:8002');
    expect(y.etcd3.hosts).toEqual(['127.0.0.1:2371', '127.0.0.1:2372', '127.0.0.1:2373']);
    expect(y.postgresql.pg_hba).toContain('host replication replicator 127.0.0.1/32 scram-sha-256');
    expect(y.postgresql.pg_hba.join('\n')).not.toMatch(/host .* trust/);
    expect(y.postgresql.authentication.replication).toEqual({ username: 'replicator', password: 'repl-pass' });
  });

  it('haproxy.cfg routes rw only to the member whose Patroni answers 200 on /primary and cuts a demoted one\'s sessions', () => {
    const cfg = haproxyCfg(layout);
    const rw = cfg.slice(cfg.indexOf('listen rw'), cfg.indexOf('frontend web'));
    expect(rw).toContain('bind 127.0.0.1:6000');
    expect(rw).toContain('option httpchk');
    expect(rw).toContain('http-check send meth GET uri /primary');
    expect(rw).toContain('http-check expect status 200');
    expect(rw).toMatch(/default-server .*on-marked-down shutdown-sessions/);
    for (const m of layout.members) expect(rw).toContain(`server ${m.name} 127.0.0.1:${m.pgPort} check port ${m.restPort}`);
    const web = cfg.slice(cfg.indexOf('backend web'), cfg.indexOf('frontend stats'));
    expect(web).toContain('server web1 127.0.0.1:7001 check');
    expect(web).toContain('server web2 127.0.0.1:7002 check');
    expect(cfg).toContain('http-request use-service prometheus-exporter if { path /metrics }');
  });

  it('etcd members form one three-member cluster', () => {
    const args = etcdArgs(layout, 0);
    expect(args).toContain('--initial-cluster=etcd1=http://127.0.0.1:2381,etcd2=http://127.0.0.1:2382,etcd3=http://127.0.0.1:2383');
    expect(args).toContain('--listen-client-urls=http://127.0.0.1:2371');
  });

  it('Prometheus scrapes web, dispatcher, Patroni and haproxy, and Alertmanager delivers to triage with its token', () => {
    const prom = parse(prometheusYml(layout, ['/rules.yaml']));
    const jobs = Object.fromEntries(prom.scrape_configs.map((j: { job_name: string; static_configs: Array<{ targets: string[] }> }) => [j.job_name, j.static_configs[0]!.targets]));
    expect(jobs).toMatchObject({ 'kona-web': ['127.0.0.1:7001', '127.0.0.1:7002'], 'kona-dispatcher': ['127.0.0.1:7100'], patroni: ['127.0.0.1:8001', '127.0.0.1:8002', '127.0.0.1:8003'], haproxy: ['127.0.0.1:6002'] });
    expect(prom.rule_files).toContain('/rules.yaml');
    const am = parse(alertmanagerYml(layout));
    expect(am.receivers[0].webhook_configs[0]).toMatchObject({ url: 'http://127.0.0.1:7200/alertmanager', http_config: { authorization: { credentials: 't'.repeat(20) } } });
  });
});
