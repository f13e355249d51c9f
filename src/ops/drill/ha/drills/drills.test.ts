import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareDrillWorkload } from '../../../../apps/drill-workload.js';
import { clusterDown } from '../cluster/down.js';
import { readLayout } from '../cluster/layout.js';
import { alive } from '../cluster/procs.js';
import { readHistory } from '../load/history.js';
import { clusterUp } from '../cluster/up.js';
import type { DrillRun } from '../run.js';
import { runDrill, type DrillOptions } from './run-drill.js';

// The short versions of three drills under load on one real cluster (etcd ×3, Patroni ×3, haproxy,
// two Kona web replicas…), brought up once: each must lose no acknowledged write.
vi.setConfig({ testTimeout: 150_000, hookTimeout: 300_000 });

/** The cluster's processes still alive, as `pgrep -a` lists them (postgres, patroni, etcd, haproxy) under `dir`. */
function leftovers(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-a', '-f', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('kona drill run: short drills under load on the real cluster', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kona-drills-'));
  const dir = path.join(root, 'cluster');
  const reportDir = path.join(root, 'reports');
  let pids: number[] = [];

  const drill = (name: string): Promise<{ run: DrillRun; files: { json: string; html: string }; verdict: string }> => {
    const o: DrillOptions = { drill: name, clusterDir: dir, seconds: 10, rate: 6, reportDir, timeoutMs: 60_000, workload: (l) => prepareDrillWorkload(l.dir, l.webEnv) };
    return runDrill(o);
  };

  beforeAll(async () => {
    chmodSync(root, 0o755); // PostgreSQL runs as the postgres user under root: it must enter it
    await clusterUp({ dir, web: 2 });
  });

  afterAll(async () => {
    if (existsSync(path.join(dir, 'cluster.json'))) {
      pids = readLayout(dir).processes.map((r) => r.pid);
      await clusterDown(dir);
    }
    rmSync(root, { recursive: true, force: true });
    expect(pids.filter((pid) => alive(-pid))).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  });

  const expectNothingLost = (run: DrillRun, files: { json: string; html: string }) => {
    expect(run.check.sources.length).toBeGreaterThan(0);
    expect(run.check.lost).toEqual([]);
    expect(run.check.unexpected).toEqual([]);
    expect(run.check.duplicates).toEqual([]);
    expect(run.check.verdict).toBe('pass');
    expect(run.check.ok).toBeGreaterThan(0);
    expect(run.figures.acknowledgedLost).toBe(0);
    expect((JSON.parse(readFileSync(files.json, 'utf8')) as DrillRun).id).toBe(run.id);
    expect(readFileSync(files.html, 'utf8')).toContain('<canvas');
  };

  it('primary-kill: a standby takes over, writes resume, nothing acknowledged is lost', async () => {
    const { run, files, verdict } = await drill('primary-kill');
    expectNothingLost(run, files);
    const fault = run.events.find((e) => e.kind === 'fault')!;
    const promoted = run.events.find((e) => e.kind === 'primary')!;
    expect(promoted.t).toBeGreaterThan(fault.t);
    expect(run.settings.newPrimary).not.toBe(run.settings.oldPrimary);
    // Writes sent and acknowledged after the promotion: the app reconnected to the new primary.
    const history = readHistory(String(run.settings.history));
    expect(history.filter((h) => h.outcome === 'ok' && h.startT > promoted.t).length).toBeGreaterThan(0);
    expect(run.figures.recoverSeconds).not.toBeNull();
    expect(run.check.sources.some((s) => s.startsWith('old-primary'))).toBe(true);
    expect(verdict).toMatch(/^primary-kill: PASS/);
  });

  it('switchover: the leader moves, nothing acknowledged is lost', async () => {
    const { run, files } = await drill('switchover');
    expectNothingLost(run, files);
    expect(run.settings.newPrimary).not.toBe(run.settings.oldPrimary);
    expect(run.events.map((e) => e.kind)).toEqual(['fault', 'primary', 'heal']);
  });

  it('web-kill: haproxy routes around the killed replica, which comes back; nothing acknowledged is lost', async () => {
    const { run, files } = await drill('web-kill');
    expectNothingLost(run, files);
    expect(run.events.map((e) => e.kind)).toEqual(['fault', 'note', 'heal']);
    const [fault, heal] = [run.events.find((e) => e.kind === 'fault')!, run.events.find((e) => e.kind === 'heal')!];
    // Served while web1 was down (by the other replica) and after it came back.
    const history = readHistory(String(run.settings.history));
    expect(history.filter((h) => h.outcome === 'ok' && h.startT > fault.t && h.endT < heal.t).length).toBeGreaterThan(0);
    expect(run.timeline.filter((p) => p.t > heal.t).reduce((n, p) => n + p.ok, 0)).toBeGreaterThan(0);
  });
});
