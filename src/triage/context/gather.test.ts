import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { fakeDeployment, fakePod, startFakeKubernetes, type FakeKubernetes } from '../actions/actions.testing.js';
import { ContextGatherer, type ObjectSource } from './gather.js';
import { KubernetesSource } from './kubernetes.js';
import { LocalSource } from './local.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alert = { labels: { alertname: 'KubePodCrashLooping', namespace: 'kona', pod: 'web-7d9f8b6c5-x2kqp', container: 'app', deployment: 'web' }, generatorURL: 'http://p/graph?g0.expr=up' };
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('ContextGatherer bounds', () => {
  const hung: Array<() => void> = [];
  afterEach(() => hung.splice(0).forEach((f) => f()));

  it('a Prometheus and a source that never answer cost one deadline on the triage clock, and leave notes', async () => {
    const server = createServer(() => { /* never answers */ });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hung.push(() => { server.closeAllConnections(); server.close(); });
    const clock = new ManualClock(Date.parse('2026-12-07T10:00:00Z'));
    const never: ObjectSource = { read: () => new Promise(() => {}) };
    const gatherer = new ContextGatherer({ clock, prometheusUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, windowMinutes: 30, timeoutMs: 5000, maxCharsPerPiece: 3000, sources: [never] });
    let done = false;
    const pending = gatherer.gather(alert).then((r) => { done = true; return r; });
    await settle();
    clock.advance(4999);
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    const got = await pending;
    expect(got).toEqual({
      metrics: [], objects: [], logs: [], dropped: [],
      notes: ['Prometheus: no answer in time (gave up after 5 s).', 'A context source: no answer in time (gave up after 5 s).'],
    });
    expect(clock.pending).toBe(0);
  });

  it('keeps the newest whole log lines that fit, leaves out over-long lines whole, and says so', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `2026-12-07T10:00:${String(i % 60).padStart(2, '0')}Z line ${i} ${'x'.repeat(40)}`);
    lines.splice(150, 0, `token=${'a'.repeat(1200)}`);
    const source: ObjectSource = { read: async () => ({ objects: ['Pod kona/web: phase Running.'], logs: [{ source: 'pod kona/web container app', lines }], notes: [] }) };
    const gatherer = new ContextGatherer({ clock: new ManualClock(0), windowMinutes: 30, timeoutMs: 5000, maxCharsPerPiece: 1000, sources: [source] });
    const got = await gatherer.gather(alert);
    const [block] = got.logs;
    const kept = block!.split('\n').slice(1);
    expect(block!.length).toBeLessThanOrEqual(1000 + 60);
    expect(kept.at(-1)).toBe(lines.at(-1));
    expect(kept.every((l) => lines.includes(l))).toBe(true);
    expect(block).not.toContain('aaaaaaaaaa');
    expect(got.notes).toEqual([
      '1 line of pod kona/web container app longer than 1000 characters left out.',
      `${200 - kept.length} older lines of pod kona/web container app left out (size limit 1000 characters).`,
    ]);
    expect(got.objects).toEqual(['Pod kona/web: phase Running.']);
  });
});

describe('KubernetesSource against a fake API server', () => {
  let api: FakeKubernetes;
  beforeAll(async () => {
    api = await startFakeKubernetes();
  });
  afterAll(async () => {
    await api.close();
  });

  it("writes the pod's and deployment's state from their fields only, and reads the current and previous logs of a crash-looping container", async () => {
    const pod = fakePod('kona', 'web-7d9f8b6c5-x2kqp', { crashLooping: true });
    pod.metadata.annotations = { 'kona.example/owner-email': 'margarethe@example.org' };
    pod.spec.containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }];
    api.pods.set('kona/web-7d9f8b6c5-x2kqp', pod);
    api.deployments.set('kona/web', fakeDeployment('kona', 'web', { available: 1 }));
    api.logs.set('kona/web-7d9f8b6c5-x2kqp/app', Array.from({ length: 80 }, (_, i) => `current ${i}`).join('\n'));
    api.logs.set('kona/web-7d9f8b6c5-x2kqp/app/previous', 'panic: cannot connect to db\nexit 1');
    const source = new KubernetesSource({ kubeConfig: api.kubeConfig(), logLines: 50, logBytes: 12_000 });
    const got = await source.read(alert.labels);
    expect(got.notes).toEqual([]);
    expect(got.objects).toEqual([
      'Deployment kona/web: 2 desired, 2 updated, 1 ready, 1 available; conditions none.',
      'Pod kona/web-7d9f8b6c5-x2kqp: phase Running; conditions Ready=False; containers: app waiting (CrashLoopBackOff), ready false, 7 restarts.',
    ]);
    expect(got.logs).toEqual([
      { source: 'pod kona/web-7d9f8b6c5-x2kqp container app (previous run)', lines: ['panic: cannot connect to db', 'exit 1'] },
      { source: 'pod kona/web-7d9f8b6c5-x2kqp container app', lines: Array.from({ length: 50 }, (_, i) => `current ${i + 30}`) },
    ]);
    expect(JSON.stringify(got)).not.toMatch(/hunter2|margarethe/);
  });

  it('says what it could not read, and makes exactly the read calls the context Role in deploy/triage-rbac.yaml grants', async () => {
    api.requests.length = 0;
    const source = new KubernetesSource({ kubeConfig: api.kubeConfig(), logLines: 50, logBytes: 12_000 });
    const gone = await source.read({ namespace: 'kona', pod: 'web-gone', deployment: 'nope' });
    expect(gone.notes).toEqual([
      'Kubernetes: deployment kona/nope could not be read (HTTP 404).',
      'Kubernetes: pod kona/web-gone could not be read (HTTP 404).',
    ]);
    // A label that is no Kubernetes name is never sent to the API, nor echoed.
    const before = api.requests.length;
    expect(await source.read({ namespace: 'kona', pod: 'web-1 Margarethe Vollmer' })).toEqual({ objects: [], logs: [], notes: ['Kubernetes: not read, the pod label is not a Kubernetes name.'] });
    expect(api.requests.length).toBe(before);
    await source.read(alert.labels);
    const used = new Set(api.requests.map((r) => {
      const m = /^\/apis?\/(?:(apps)\/)?v1\/namespaces\/kona\/([a-z]+)\/[^/]+(\/log)?$/.exec(r.path);
      return `${m?.[1] ?? ''}|${m?.[2]}${m?.[3] ?? ''}|${r.method === 'GET' ? 'get' : r.method}`;
    }));
    const file = fileURLToPath(new URL('../../../deploy/triage-rbac.yaml', import.meta.url));
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
    const role = docs.find((d) => d.kind === 'Role' && d.metadata.name === 'kona-triage-context');
    const granted = new Set((role?.rules ?? []).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))));
    expect([...used].sort()).toEqual([...granted].sort());
  });
});

describe('LocalSource', () => {
  it("reads a target's journal (journalctl, no shell), a log file's end and its status command's exit", async () => {
    const journalctl = path.join(dir, 'journalctl');
    writeFileSync(journalctl, '#!/bin/sh\necho "args: $*"\necho "2026-12-07T10:00:01+0000 box exporter[42]: listening on :9100"\necho "2026-12-07T10:00:02+0000 box exporter[42]: scrape failed"\n');
    chmodSync(journalctl, 0o755);
    const logFile = path.join(dir, 'exporter.log');
    writeFileSync(logFile, Array.from({ length: 100 }, (_, i) => `log line ${i}`).join('\n') + '\n');
    const source = new LocalSource({
      targets: { 'box/exporter': { status: ['/bin/false'], unit: 'kona-exporter.service', logFile }, 'box/other': { unit: 'other.service' } },
      logLines: 5, logBytes: 4000, journalctl,
    });
    const got = await source.read({ namespace: 'box', deployment: 'exporter' }, new AbortController().signal);
    expect(got).toEqual({
      objects: ['Local target box/exporter: status command exits 1 (unhealthy).'],
      logs: [
        { source: 'unit kona-exporter.service', lines: [
          'args: --unit kona-exporter.service --lines 5 --no-pager --output short-iso --quiet',
          '2026-12-07T10:00:01+0000 box exporter[42]: listening on :9100',
          '2026-12-07T10:00:02+0000 box exporter[42]: scrape failed',
        ] },
        { source: 'log file of box/exporter', lines: ['log line 95', 'log line 96', 'log line 97', 'log line 98', 'log line 99'] },
      ],
      notes: [],
    });
    expect(await source.read({ namespace: 'box', pod: 'unknown' }, new AbortController().signal)).toEqual({ objects: [], logs: [], notes: [] });
    const missing = new LocalSource({ targets: { 'box/exporter': { logFile: path.join(dir, 'missing.log'), unit: 'x.service' } }, logLines: 5, logBytes: 4000, journalctl: path.join(dir, 'no-journalctl') });
    expect((await missing.read({ namespace: 'box', deployment: 'exporter' }, new AbortController().signal)).notes).toEqual([
      'Local: the journal of x.service could not be read (could not run (ENOENT)).',
      'Local: the log file of box/exporter could not be read (ENOENT).',
    ]);
  });
});
