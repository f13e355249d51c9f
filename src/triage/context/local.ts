/**
 * The single-box side of the diagnosis context: for an alert naming one of the local executor's
 * targets ("<namespace>/<deployment or pod>", as actions.local.targets keys them), the target's
 * state (its status command's exit status: 0 healthy) and its recent log lines, from the systemd
 * journal (`journalctl --unit <unit>`) or from the end of a log file. Commands run without a shell
 * and under the caller's deadline; output is read up to a size limit.
 */
import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { SourceResult } from './source.js';

/** What the local source knows about one target (the policy's actions.local.targets entry). */
export interface LocalContextTarget {
  status?: string[];
  /** A systemd unit whose journal holds the target's log. */
  unit?: string;
  /** A file the target logs to (its end is read). */
  logFile?: string;
}

/** How much the local source reads. */
export interface LocalSourceOptions {
  targets: Readonly<Record<string, LocalContextTarget>>;
  logLines: number;
  logBytes: number;
  /** The journalctl program (tests point it at a stand-in; default /usr/bin/journalctl). */
  journalctl?: string;
}

/** Reads local targets' state and logs. */
export class LocalSource {
  constructor(private readonly opts: LocalSourceOptions) {}

  /** The target the labels name, read; nothing when they name none. */
  async read(labels: Record<string, string>, signal: AbortSignal): Promise<SourceResult> {
    const out: SourceResult = { objects: [], logs: [], notes: [] };
    const key = this.targetKey(labels);
    if (key === undefined) return out;
    const target = this.opts.targets[key]!;
    if (target.status !== undefined) {
      const r = await capture(target.status, 0, signal);
      out.objects.push(`Local target ${key}: ${'code' in r ? `status command exits ${r.code} (${r.code === 0 ? 'healthy' : 'unhealthy'})` : `status command ${r.failed}`}.`);
    }
    if (target.unit !== undefined) {
      const argv = [this.opts.journalctl ?? '/usr/bin/journalctl', '--unit', target.unit, '--lines', String(this.opts.logLines), '--no-pager', '--output', 'short-iso', '--quiet'];
      const r = await capture(argv, this.opts.logBytes, signal);
      if ('failed' in r) out.notes.push(`Local: the journal of ${target.unit} could not be read (${r.failed}).`);
      else out.logs.push({ source: `unit ${target.unit}`, lines: lastLines(r.stdout, this.opts.logLines) });
    }
    if (target.logFile !== undefined) {
      try {
        out.logs.push({ source: `log file of ${key}`, lines: lastLines(await tail(target.logFile, this.opts.logBytes), this.opts.logLines) });
      } catch (err) {
        out.notes.push(`Local: the log file of ${key} could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
      }
    }
    return out;
  }

  private targetKey(labels: Record<string, string>): string | undefined {
    const ns = labels.namespace;
    if (ns === undefined) return undefined;
    return [labels.deployment, labels.pod].map((n) => `${ns}/${n}`).find((k) => this.opts.targets[k] !== undefined);
  }
}

type Captured = { code: number; stdout: string } | { failed: string };

/** Runs argv without a shell until it ends or `signal` aborts; keeps at most `maxBytes` of the end of stdout (0: none). */
function capture(argv: readonly string[], maxBytes: number, signal: AbortSignal): Promise<Captured> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.resolve({ failed: 'empty command' });
  return new Promise((resolve) => {
    const child = execFile(file, args, { signal, maxBuffer: Math.max(maxBytes, 1) * 4, encoding: 'utf8', windowsHide: true }, (err, stdout) => {
      const text = maxBytes === 0 ? '' : stdout.slice(-maxBytes);
      if (err === null) return resolve({ code: 0, stdout: text });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      if (signal.aborted) return resolve({ failed: 'did not finish in time' });
      if (typeof e.code === 'number') return resolve({ code: e.code, stdout: text });
      resolve({ failed: `could not run (${String(e.code ?? 'error')})` });
    });
    child.stdin?.end();
  });
}

/** The last `maxBytes` of a file, from its first whole line. */
async function tail(file: string, maxBytes: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await fh.close();
  }
}

function lastLines(text: string, n: number): string[] {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n);
}
