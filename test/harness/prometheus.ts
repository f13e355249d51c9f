/**
 * Starts Debian's real Prometheus (`/usr/bin/prometheus`) and Alertmanager
 * (`/usr/bin/prometheus-alertmanager`) as child processes for end-to-end tests: generated config
 * files in a temporary directory, free loopback ports, 1 s scrape and rule evaluation, an
 * Alertmanager route with short group timings and one webhook receiver. Missing binaries fail the
 * test with the package to install; they are never a reason to skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './postgres.js';

/** Where to send Alertmanager's webhook, and the bearer token its http_config sends. */
export interface WebhookReceiver {
  url: string;
  bearer: string;
}

/** How to start the pair. */
export interface AlertingStackOptions {
  /** host:port targets Prometheus scrapes (job "fixture", /metrics). */
  scrapeTargets: string[];
  /** Prometheus alerting rules: one group, evaluated every second. */
  rules: Array<{ alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }>;
  webhook: WebhookReceiver;
  /** Alertmanager's route group_by (default [alertname, namespace]). */
  groupBy?: string[];
  /** Prometheus's port, when something must know its URL before it starts (default: a free one). */
  prometheusPort?: number;
}

/** A running Prometheus and Alertmanager. */
export interface AlertingStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** The temporary directory holding configs and storage. */
  dir: string;
  /** The last lines both programs wrote (for failure messages). */
  logs(): string;
  /** Kills both process groups and removes the directory. */
  stop(): Promise<void>;
}

/** Finds a Debian binary, or throws naming the package (env override for other layouts). */
export function debianBinary(file: string, pkg: string, envName: string): string {
  const bin = process.env[envName] ?? `/usr/bin/${file}`;
  if (existsSync(bin)) return bin;
  throw new Error(`${bin} not found: install Debian's \`${pkg}\` package (apt-get install -y --no-install-recommends ${pkg}; .ci/run does) or set ${envName}.`);
}

/** A child process in its own process group, with its output kept for messages. */
class Program {
  private readonly child: ChildProcess;
  private output = '';
  private exited: { code: number | null; signal: string | null } | undefined;
  private readonly done: Promise<void>;

  constructor(readonly name: string, bin: string, args: string[], cwd: string) {
    // detached: a process group of its own, so stop() reaches anything it started.
    this.child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.done = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
      this.child.once('error', (err) => {
        this.output += `\nspawn failed: ${err.message}`;
        this.exited = { code: null, signal: null };
        resolve();
      });
    });
  }

  /** The last lines of its output. */
  tail(lines = 25): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** Polls `url` until it answers 200; fails early if the program exited. */
  async waitReady(url: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name} exited (${this.exited.code ?? this.exited.signal}) before it was ready:\n${this.tail()}`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${this.name} was not ready at ${url} within ${timeoutMs / 1000} s:\n${this.tail()}`);
  }

  /** SIGTERM to the group, SIGKILL after 5 s; resolves when it has exited. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-this.child.pid!, s);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), 5000);
    await this.done;
    clearTimeout(killer);
  }
}

function prometheusConfig(opts: AlertingStackOptions, alertmanager: string): string {
  return stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: ['rules.yml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager] }] }] },
    scrape_configs: [{ job_name: 'fixture', static_configs: [{ targets: opts.scrapeTargets }] }],
  });
}

function alertmanagerConfig(opts: AlertingStackOptions): string {
  return stringify({
    route: {
      receiver: 'kona-triage', group_by: opts.groupBy ?? ['alertname', 'namespace'],
      group_wait: '1s', group_interval: '2s', repeat_interval: '1h',
    },
    receivers: [{
      name: 'kona-triage',
      webhook_configs: [{ url: opts.webhook.url, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: opts.webhook.bearer } } }],
    }],
  });
}

/** Starts Alertmanager, then Prometheus pointed at it; both ready (/-/ready) when it resolves. */
export async function startAlertingStack(opts: AlertingStackOptions): Promise<AlertingStack> {
  const promBin = debianBinary('prometheus', 'prometheus', 'KONA_PROMETHEUS_BIN');
  const amBin = debianBinary('prometheus-alertmanager', 'prometheus-alertmanager', 'KONA_ALERTMANAGER_BIN');
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-prom-'));
  const programs: Program[] = [];
  const stop = async () => {
    await Promise.all(programs.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => programs.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
  try {
    const [amPort, promPort] = [await freePort(), opts.prometheusPort ?? await freePort()];
    writeFileSync(path.join(dir, 'alertmanager.yml'), alertmanagerConfig(opts));
    writeFileSync(path.join(dir, 'rules.yml'), stringify({ groups: [{ name: 'kona-e2e', interval: '1s', rules: opts.rules }] }));
    writeFileSync(path.join(dir, 'prometheus.yml'), prometheusConfig(opts, `127.0.0.1:${amPort}`));

    const am = new Program('alertmanager', amBin, [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=info',
    ], dir);
    programs.push(am);
    const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
    await am.waitReady(`${alertmanagerUrl}/-/ready`);

    const prom = new Program('prometheus', promBin, [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`,
      '--storage.tsdb.retention.time=1h', `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=info',
    ], dir);
    programs.push(prom);
    const prometheusUrl = `http://127.0.0.1:${promPort}`;
    await prom.waitReady(`${prometheusUrl}/-/ready`);
    return { prometheusUrl, alertmanagerUrl, dir, logs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `check` every `everyMs` until it returns a value other than undefined, or throws with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
