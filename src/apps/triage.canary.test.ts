/**
 * What may leave the building, end to end: the real `kona triage` (built, spawned) with the
 * diagnosis tier on and every escalation channel (webhook, ntfy, email) pointed at capture servers
 * standing in for the external endpoints. Alertmanager deliveries carry the canary corpus (109
 * secrets and personal data) in every field: infrastructure labels, labels off the allow-list, the
 * summary, the description, the runbook link, the generator URL, the alertname and the severity of
 * unknown alerts. The diagnosis context carries them too: pod logs (current and previous run) from
 * a fake Kubernetes API, a local target's log file, and the labels (on and off the allow-list) of
 * every series a fake Prometheus returns. Not one needle may arrive, in any body, URL or header.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { packageRoot } from '../platform/runtime/paths.js';
import { fakePod, startFakeKubernetes } from '../triage/actions/actions.testing.js';
import { canaries, canaryNames, type Canary } from '../triage/diagnose/canary-corpus.testing.js';
import { startSmtp } from '../triage/escalate/escalate.testing.js';

vi.setConfig({ testTimeout: 120_000 });

const root = packageRoot();
const cliJs = path.join(root, 'dist/src/apps/cli.js');
const token = 'alertmanager-bearer-token-canary';
const dir = mkdtempSync(path.join(tmpdir(), 'kona-triage-canary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Captured { url: string; headers: IncomingHttpHeaders; body: string }

/** A local HTTP server standing in for the model endpoint, the webhook and ntfy; it records everything. */
async function startCapture(): Promise<{ url: string; received: Captured[]; arrived: (n: number) => Promise<void>; close(): Promise<void> }> {
  const received: Captured[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      waiters = waiters.filter((w) => (received.length >= w.n ? (w.resolve(), false) : true));
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.endsWith('/chat/completions') ? JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Check the pod.' } }] }) : '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    arrived: (n) => (received.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A Prometheus answering every range query with one series whose labels carry the canaries of the alert the query names. */
async function startCanaryPrometheus(groups: Canary[][]): Promise<{ url: string; queries: string[]; close(): Promise<void> }> {
  const names = ['instance', 'pod', 'owner_email', 'container', 'customer', 'service', 'note'];
  const queries: string[] = [];
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    queries.push(query);
    const i = Number(/(?:up|web-)(\d+)/.exec(query)?.[1] ?? '1');
    const labels: Record<string, string> = { __name__: 'kona_canary', job: 'kona-web', namespace: 'kona' };
    (groups[i - 1] ?? []).forEach((c, j) => {
      const name = names[j % names.length]!;
      labels[name] = labels[name] === undefined ? c.text : `${labels[name]} ${c.text}`;
    });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: labels, values: [[1765101600, '1'], [1765101660, '0']] }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries, close: () => new Promise<void>((r) => server.close(() => r())) };
}

// Where a canary is written; off-list labels are dropped by the allow-list, the rest scrubbed.
const fields = ['summary', 'label:instance', 'description', 'label:pod', 'label:owner', 'runbook_url', 'label:service', 'generatorURL', 'label:db_password', 'label:container', 'summary', 'label:job'] as const;

function canaryAlert(i: number, group: Canary[], alertname = 'CanaryDown', severity = 'critical') {
  const labels: Record<string, string> = { alertname, severity, namespace: 'kona', pod: `web-${i}`, deployment: 'web' };
  const annotations: Record<string, string> = { summary: `Canary ${i} is down.` };
  let generatorURL = `http://prometheus:9090/graph?g0.expr=up${i}`;
  group.forEach((c, j) => {
    const field = fields[(i + j) % fields.length]!;
    if (field === 'summary' || field === 'description') annotations[field] = `${annotations[field] ?? ''} Reported: ${c.text}.`;
    else if (field === 'runbook_url') annotations.runbook_url = `https://runbooks.example.org/canary?note=${encodeURIComponent(c.text)}`;
    else if (field === 'generatorURL') generatorURL += `&note=${encodeURIComponent(c.text)}`;
    else {
      const name = field.slice('label:'.length);
      labels[name] = labels[name] === undefined ? c.text : `${labels[name]} ${c.text}`;
    }
  });
  return { status: 'firing', labels, annotations, startsAt: '2026-12-07T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL, fingerprint: `abcdefabcdef${i.toString(16).padStart(4, 'e')}` };
}

/** Every text form a needle could take in what arrived: raw, JSON-decoded, quoted-printable-decoded, separators removed. */
function forms(text: string): string[] {
  const qp = Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  const strings: string[] = [];
  try {
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(text));
  } catch {
    // not JSON
  }
  const all = [text, qp, strings.join('\n')];
  return [...all, ...all.map((t) => { try { return decodeURIComponent(t); } catch { return t; } })].flatMap((t) => [t.toLowerCase(), t.toLowerCase().replace(/[\s\-.()]/g, '')]);
}

describe('`kona triage` sends no canary anywhere', () => {
  it('delivers 109 canaries in every field; the model endpoint, webhook, ntfy and email get none of them, and the page names what was dropped', async () => {
    expect(canaries.length).toBeGreaterThanOrEqual(100);
    const capture = await startCapture();
    const smtp = await startSmtp();
    const groups: Canary[][] = [];
    for (let i = 0; i < canaries.length; i += 10) groups.push(canaries.slice(i, i + 10));
    // The context's sources: pod logs (each alert's pod, crash-looping: its previous run too), a local log file, series labels.
    const kube = await startFakeKubernetes();
    groups.forEach((g, i) => {
      kube.pods.set(`kona/web-${i + 1}`, fakePod('kona', `web-${i + 1}`, { crashLooping: true }));
      kube.logs.set(`kona/web-${i + 1}/app`, g.map((c, j) => `ctx-pod-line ${i + 1}.${j}: request failed for ${c.text}`).join('\n'));
      kube.logs.set(`kona/web-${i + 1}/app/previous`, g.map((c) => `ERROR before exit: ${c.text}`).join('\n'));
    });
    const kubeconfig = path.join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{ name: fake, cluster: { server: "${kube.url}", insecure-skip-tls-verify: true } }]\nusers: [{ name: triage, user: { token: fake-token } }]\ncontexts: [{ name: fake, context: { cluster: fake, user: triage } }]\ncurrent-context: fake\n`);
    const logFile = path.join(dir, 'web.log');
    writeFileSync(logFile, `${canaries.map((c, k) => `ctx-file-line-${k} user said: ${c.text}`).join('\n')}\n`);
    const prometheus = await startCanaryPrometheus(groups);
    const namesFile = path.join(dir, 'names.txt');
    writeFileSync(namesFile, `# people and dogs\n${canaryNames.join('\n')}\n`);
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(policyFile, [
      'mode: observe',
      'rules:',
      '  - name: canary',
      '    match:',
      '      alertname: CanaryDown',
      '    class: serious',
      '    route: diagnose',
      'escalation:',
      `  ackBaseUrl: ${capture.url}/`,
      '  channels:',
      `    webhook: { url: "${capture.url}/webhook" }`,
      `    ntfy: { url: "${capture.url}/ntfy/kona-ops" }`,
      '    email: { to: [ops@example.org], from: triage@example.org }',
      '  tiers:',
      '    - { name: page, severities: [page, critical, warning, info], channels: [webhook, ntfy, email], repeatMinutes: 60 }',
      'actions:',
      '  executor: local',
      `  prometheusUrl: "${prometheus.url}"`,
      '  local:',
      `    targets: { "kona/web": { restart: [/bin/true], logFile: "${logFile}" } }`,
      'diagnosis:',
      '  enabled: true',
      `  endpoint: { url: "${capture.url}/v1", model: big-model }`,
      '  alertnames: [CanaryDown]',
      '  maxChars: 100000',
      '  maxPerHour: 1000',
    ].join('\n'));

    const alerts = groups.map((g, i) => canaryAlert(i + 1, g));
    // Unknown alerts (notify, not diagnose) with canaries in the alertname and the severity.
    alerts.push(canaryAlert(90, [], 'BackupFailed for margarethe@example.org Margarethe Vollmer'));
    alerts.push(canaryAlert(91, [], 'DiskFull', 'the password is hunter2'));
    const needles = [...canaries.flatMap((c) => c.needles), 'margarethe@example.org', 'hunter2'];

    const child = spawn(process.execPath, [cliJs, 'triage', '--policy', policyFile, '--port', '0', '--names-file', namesFile], {
      env: {
        PATH: process.env.PATH, KONA_DATA_DIR: dir, KONA_TRIAGE_TOKEN: token, KONA_LOG_LEVEL: 'warn', KONA_SMTP_URL: smtp.url,
        KUBECONFIG: kubeconfig, KONA_TRIAGE_KUBERNETES: 'kubeconfig', KONA_TRIAGE_CONTEXT_MAX_CHARS: '50000', KONA_TRIAGE_CONTEXT_LOG_LINES: '200',
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => { const m = /serving at (\S+)/.exec(out); if (m) resolve(m[1]!); });
        void exit.then((code) => reject(new Error(`kona triage exited ${code}:\n${out}`)));
      });
      const delivery = { version: '4', groupKey: '{}:{alertname="CanaryDown"}', truncatedAlerts: 0, status: 'firing', receiver: 'kona-triage', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager:9093', alerts };
      const res = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(delivery) });
      expect(res.status).toBe(200);

      // Each CanaryDown alert: a diagnosis request, a webhook and an ntfy push; the unknown ones: webhook and ntfy.
      await capture.arrived(groups.length * 3 + 4);
      while (smtp.received.length < alerts.length) await new Promise((r) => setTimeout(r, 20));
      const diagnoses = capture.received.filter((r) => r.url.endsWith('/chat/completions'));
      expect(diagnoses).toHaveLength(groups.length);
      expect(capture.received.filter((r) => r.url === '/webhook')).toHaveLength(alerts.length);

      const arrived = [
        ...capture.received.map((r) => `${r.url}\n${JSON.stringify(r.headers)}\n${r.body}`),
        ...smtp.received.map((m) => m.raw),
      ].map(forms);
      // Each leak with the text around it, so a failure says where it got through.
      const leaks = needles.flatMap((n) => arrived.flatMap((texts) => texts.flatMap((t) => {
        const at = Math.max(t.indexOf(n.toLowerCase()), /^[\d\s\-.()]{7,}$/.test(n) ? t.indexOf(n.replace(/[\s\-.()]/g, '')) : -1);
        return at < 0 ? [] : [`${n} in …${t.slice(Math.max(0, at - 60), at + 60)}…`];
      })).slice(0, 1));
      expect(leaks).toEqual([]);

      // What does go: the infrastructure facts, placeholders for what was removed.
      const sent = diagnoses.map((d) => (JSON.parse(d.body) as { messages: { content: string }[] }).messages[1]!.content).join('\n');
      expect(sent).toContain('namespace=kona');
      expect(sent).toMatch(/\[name\]/);
      expect(sent).toMatch(/\[secret\]/);
      // Off-list labels are not even named; the description is never sent.
      expect(sent).not.toMatch(/^\s+(owner|db_password)=|description/im);
      // The context went, scrubbed: every log line (by its marker), the pods' state, the series with their allowed labels only.
      for (let k = 0; k < canaries.length; k++) expect(sent).toContain(`ctx-file-line-${k} `);
      // An alert whose pod label got a canary names no pod the API has (a note says so); the others' pods were read.
      const readable = alerts.slice(0, groups.length).map((a, i) => (a.labels.pod === `web-${i + 1}` ? i + 1 : 0)).filter((i) => i > 0);
      expect(readable.length).toBeGreaterThanOrEqual(3);
      expect(sent).toContain('Kubernetes: not read, the pod label is not a Kubernetes name.');
      for (const i of readable) expect(sent).toMatch(new RegExp(`ctx-pod-line ${i}\\.0: request failed for`));
      expect(sent).toContain(`Pod kona/web-${readable[0]}: phase Running; conditions Ready=False; containers: app waiting (CrashLoopBackOff)`);
      expect(sent).toMatch(/Prometheus query: up1 .*\n\s+kona_canary\{/);
      expect(sent).not.toMatch(/owner_email=|customer=|note=/);
      expect(prometheus.queries.length).toBeGreaterThanOrEqual(groups.length);

      const page = await (await fetch(`${url}/`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(page).toContain('label db_password');
      expect(page).toContain('annotation description');
      expect(page).toContain('metric label owner_email');
    } finally {
      child.kill('SIGTERM');
      await exit;
      await capture.close();
      await smtp.close();
      await kube.close();
      await prometheus.close();
    }
  });
});
