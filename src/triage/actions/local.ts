/**
 * The local-process executor, for a single box and for tests: each target ("namespace/name") names
 * a restart command and optionally a status command (exit 0 = healthy) in the policy. Commands run
 * with execFile (no shell: nothing in them is interpreted), under a timeout; their output is never
 * logged or stored (it may hold anything), only the exit status. restart-deployment and delete-pod
 * both mean "run the target's restart command"; scale-to-declared is not possible here.
 */
import { execFile } from 'node:child_process';
import { systemClock, type Clock, type TimerHandle } from '../../platform/clock/clock.js';
import { actionLabel, targetKey, type ActionRequest } from './catalogue.js';
import type { ActionExecutor, Check, Executed } from './executor.js';

/** One local target's commands (argument vectors). */
export interface LocalTarget {
  restart: string[];
  status?: string[];
}

/** How to build the local executor. */
export interface LocalExecutorOptions {
  targets: Readonly<Record<string, LocalTarget>>;
  timeoutSeconds: number;
  /** Times each command's timeout (default: the system clock). */
  clock?: Clock;
}

/** How a command ended: its exit code, or why it has none. */
type Outcome = { code: number } | { failed: string };

/** Runs argv without a shell, killing it after `timeoutMs` on `clock`; resolves with the exit code (output discarded). */
export function runCommand(argv: readonly string[], timeoutMs: number, clock: Clock = systemClock): Promise<Outcome> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.resolve({ failed: 'empty command' });
  return new Promise((resolve) => {
    let timedOut = false;
    let timer: TimerHandle;
    const child = execFile(file, args, { maxBuffer: 1024 * 1024, windowsHide: true }, (err) => {
      clock.clearTimer(timer);
      if (err === null) return resolve({ code: 0 });
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
      if (timedOut) return resolve({ failed: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      if (e.signal) return resolve({ failed: `killed by ${e.signal}` });
      if (typeof e.code === 'number') return resolve({ code: e.code });
      resolve({ failed: `could not start (${String(e.code ?? 'error')})` });
    });
    timer = clock.setTimer(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs, { unref: true });
    child.stdin?.end();
  });
}

/** Runs catalogue actions as local commands. */
export class LocalExecutor implements ActionExecutor {
  readonly kind = 'local';

  constructor(private readonly opts: LocalExecutorOptions) {}

  /** The target is configured; with a status command, it must say unhealthy (non-zero exit). */
  async precondition(req: ActionRequest): Promise<Check> {
    const target = this.target(req);
    if (typeof target === 'string') return { ok: false, detail: target };
    if (target.status === undefined) return { ok: true, detail: `${targetKey(req.target)} has no status command; acting on the alert.` };
    const out = await runCommand(target.status, this.opts.timeoutSeconds * 1000, this.opts.clock);
    if ('failed' in out) return { ok: false, detail: `The status command of ${targetKey(req.target)} ${out.failed}.` };
    if (out.code === 0) return { ok: false, detail: `The status command of ${targetKey(req.target)} says it is healthy; nothing to fix.` };
    return { ok: true, detail: `The status command of ${targetKey(req.target)} exits ${out.code} (unhealthy).` };
  }

  /** Runs the restart command; a non-zero exit or a timeout throws. */
  async execute(req: ActionRequest): Promise<Executed> {
    const target = this.target(req);
    if (typeof target === 'string') throw new Error(target);
    const out = await runCommand(target.restart, this.opts.timeoutSeconds * 1000, this.opts.clock);
    if ('failed' in out) throw new Error(`${actionLabel(req)}: the restart command ${out.failed}.`);
    if (out.code !== 0) throw new Error(`${actionLabel(req)}: the restart command exited ${out.code}.`);
    return { detail: `The restart command of ${targetKey(req.target)} succeeded.` };
  }

  /** Holds when the status command exits 0. */
  async verify(req: ActionRequest): Promise<Check> {
    const target = this.target(req);
    if (typeof target === 'string') return { ok: false, detail: target };
    if (target.status === undefined) return { ok: false, detail: `${targetKey(req.target)} has no status command to verify with.` };
    const out = await runCommand(target.status, this.opts.timeoutSeconds * 1000, this.opts.clock);
    if ('failed' in out) return { ok: false, detail: `The status command of ${targetKey(req.target)} ${out.failed}.` };
    return out.code === 0
      ? { ok: true, detail: `The status command of ${targetKey(req.target)} says it is healthy.` }
      : { ok: false, detail: `The status command of ${targetKey(req.target)} still exits ${out.code}.` };
  }

  private target(req: ActionRequest): LocalTarget | string {
    if (req.name === 'scale-to-declared') return 'The local executor cannot scale.';
    return this.opts.targets[targetKey(req.target)] ?? `${targetKey(req.target)} is not a target of the local executor (actions.local.targets).`;
  }
}
