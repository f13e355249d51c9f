import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClusterControl } from './control.js';
import { clusterDown } from './down.js';
import { readLayout, rwUrl, type ClusterLayout } from './layout.js';
import { konaCommand } from './kona.js';
import { waitFor } from './probes.js';
import { alive } from './procs.js';
import type { ClusterStatus } from './status.js';

// Sixteen real processes on a busy two-core box: `up` takes about half a minute.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

/** Runs the real `kona` CLI (dist/, built by the global setup). */
function kona(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const k = konaCommand();
  return new Promise((resolve) => {
    execFile(k.bin, [...k.args, ...args], { env: { PATH: process.env.PATH }, timeout: 280_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('kona drill up / status / down: the local HA cluster', () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kona-drill-')), 'cluster');
  let layout: ClusterLayout;
  let control: ClusterControl;

  beforeAll(async () => {
    // PostgreSQL runs as the postgres user when the tests run as root: it must enter the parent.
    chmodSync(path.dirname(dir), 0o755);
    const up = await kona('drill', 'up', '--dir', dir, '--web', '2');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/web +http:\/\/127\.0\.0\.1:\d+/);
    layout = readLayout(dir);
    control = ClusterControl.open(dir);
  });

  afterAll(async () => {
    if (existsSync(path.join(dir, 'cluster.json'))) await clusterDown(dir).catch(() => {});
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('status shows one leader and two streaming standbys (one synchronous), etcd healthy, every process alive', async () => {
    const res = await kona('drill', 'status', '--dir', dir, '--json');
    expect(res.code, res.stderr).toBe(0);
    const s = JSON.parse(res.stdout) as ClusterStatus;
    expect(s.members.filter((m) => m.role === 'leader')).toHaveLength(1);
    const standbys = s.members.filter((m) => m.role !== 'leader');
    expect(standbys.map((m) => m.role).sort()).toEqual(expect.arrayContaining(['sync_standby']));
    expect(standbys).toHaveLength(2);
    for (const m of standbys) expect(m.state).toMatch(/running|streaming/);
    expect(Object.values(s.etcd)).toEqual([true, true, true]);
    expect(Object.values(s.processes).every(Boolean)).toBe(true);
    expect(s.web).toEqual({ web1: true, web2: true });
    expect(Object.values(s.haproxy.rw!).filter((st) => st === 'UP')).toHaveLength(1);
  });

  it('a write through the rw address reaches both standbys', async () => {
    const su = rwUrl(layout, 'postgres', 'superuser');
    await query(su, 'create table if not exists drill_probe (id text primary key)');
    await query(su, 'insert into drill_probe values ($1)', ['first']);
    const leader = (await control.primary())!.name;
    const urls = control.dbUrls('postgres');
    for (const name of Object.keys(urls).filter((n) => n !== leader)) {
      await waitFor(`the write on ${name}`, async () => ((await query(urls[name]!, 'select id from drill_probe where id = $1', ['first'])).length === 1 ? true : undefined), 10_000);
      expect((await query<{ r: boolean }>(urls[name]!, 'select pg_is_in_recovery() as r'))[0]!.r).toBe(true);
    }
  });

  it('pages through the web address are answered by both replicas', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${control.webUrl}/r/demo/`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      seen.add(res.headers.get('x-kona-web') ?? 'none');
    }
    expect([...seen].sort()).toEqual(['web1', 'web2']);
  });

  it('a switchover moves the leader, haproxy follows within 15 s and a write after it succeeds', async () => {
    const before = (await control.primary())!;
    const after = await control.switchover();
    expect(after).not.toBe(before.name);
    const newPort = layout.members.find((m) => m.name === after)!.pgPort;
    const su = rwUrl(layout, 'postgres', 'superuser');
    const started = Date.now();
    await waitFor('haproxy routing rw to the new leader', async () => {
      const row = (await query<{ port: number; ro: boolean }>(su, 'select inet_server_port() as port, pg_is_in_recovery() as ro'))[0]!;
      return row.port === newPort && !row.ro ? true : undefined;
    }, 15_000);
    expect(Date.now() - started).toBeLessThan(15_000);
    await query(su, 'insert into drill_probe values ($1)', ['after-switchover']);
    expect(await query(su, 'select id from drill_probe order by id')).toEqual([{ id: 'after-switchover' }, { id: 'first' }]);
  });

  it('down stops every process and removes the folder', async () => {
    const pids = readLayout(dir).processes.map((r) => r.pid);
    const res = await kona('drill', 'down', '--dir', dir);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(pids.filter((pid) => alive(-pid))).toEqual([]);
    const members = layout.members.map((m) => m.pgPort);
    for (const port of members) await expect(query(`postgres://postgres@127.0.0.1:${port}/postgres`, 'select 1')).rejects.toThrow();
  });
});

describe('kona drill up / status: refusals', () => {
  it('up refuses a folder that is not empty, and status a folder with no cluster, saying what to do', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kona-drill-refuse-'));
    try {
      writeFileSync(path.join(dir, 'notes.txt'), 'mine');
      const up = await kona('drill', 'up', '--dir', dir);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(`${dir} is not empty`);
      expect(readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');
      const status = await kona('drill', 'status', '--dir', dir);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain('kona drill up --dir');
      const web = await kona('drill', 'up', '--dir', path.join(dir, 'new'), '--web', '0');
      expect(web.stderr).toContain('--web must be a whole number from 1 to 8');
      expect(existsSync(path.join(dir, 'new'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
