import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRequest } from './catalogue.js';
import { LocalExecutor } from './local.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-local-exec-'));
const marker = path.join(dir, 'restarted');
// restart: writes its arguments to the marker (one per line) and exits with $EXIT_CODE-like argv[2];
// status: exits 0 when the marker exists (healthy after a restart), else 1.
const restartScript = path.join(dir, 'restart.mjs');
writeFileSync(restartScript, `import { writeFileSync } from 'node:fs';\nconst [marker, code, ...rest] = process.argv.slice(2);\nwriteFileSync(marker, rest.join('\\n'));\nconsole.log('secret output that must not be kept');\nprocess.exit(Number(code));\n`);
const statusScript = path.join(dir, 'status.mjs');
writeFileSync(statusScript, `import { existsSync } from 'node:fs';\nprocess.exit(existsSync(process.argv[2]) ? 0 : 1);\n`);

const node = process.execPath;
const req: ActionRequest = { name: 'restart-deployment', target: { namespace: 'box', kind: 'deployment', name: 'exporter' } };

/** The local executor on a clock that never moves: a slow child process on a loaded machine is never timed out. */
function executor(restartCode = 0, timeoutSeconds = 10) {
  return new LocalExecutor({
    timeoutSeconds,
    clock: new ManualClock(),
    targets: {
      'box/exporter': { restart: [node, restartScript, marker, String(restartCode), '$(touch pwned)', '; rm -rf /', '*'], status: [node, statusScript, marker] },
      'box/no-status': { restart: [node, restartScript, marker, '0'] },
    },
  });
}

describe('LocalExecutor with real child processes', () => {
  beforeEach(() => rmSync(marker, { force: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the status command, runs the restart command without a shell, and verifies with the status command', async () => {
    const exec = executor();
    expect(await exec.precondition(req)).toEqual({ ok: true, detail: 'The status command of box/exporter exits 1 (unhealthy).' });
    expect(await exec.verify(req)).toMatchObject({ ok: false, detail: 'The status command of box/exporter still exits 1.' });
    const done = await exec.execute(req);
    expect(done.detail).toBe('The restart command of box/exporter succeeded.');
    expect(done.detail).not.toMatch(/secret/);
    // Arguments arrive as written: no shell expanded, substituted or split anything.
    expect(readFileSync(marker, 'utf8').split('\n')).toEqual(['$(touch pwned)', '; rm -rf /', '*']);
    expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
    expect(await exec.verify(req)).toEqual({ ok: true, detail: 'The status command of box/exporter says it is healthy.' });
    expect(await exec.precondition(req)).toMatchObject({ ok: false, detail: expect.stringMatching(/healthy; nothing to fix/) });
  });

  it('a restart command that exits non-zero, cannot start, or runs past the timeout is an error', async () => {
    await expect(executor(3).execute(req)).rejects.toThrow('restart-deployment on box/exporter: the restart command exited 3.');
    const missing = new LocalExecutor({ timeoutSeconds: 5, targets: { 'box/exporter': { restart: [path.join(dir, 'no-such-program')] } } });
    await expect(missing.execute(req)).rejects.toThrow(/could not start \(ENOENT\)/);
    // A command that would run for a minute is killed when its timeout passes on the executor's clock.
    const clock = new ManualClock();
    const slow = new LocalExecutor({ timeoutSeconds: 1, clock, targets: { 'box/exporter': { restart: [node, '-e', 'setTimeout(() => {}, 60000)'] } } });
    const running = slow.execute(req);
    clock.advance(1000);
    await expect(running).rejects.toThrow(/timed out after 1 s/);
  });

  it('refuses targets it does not know, and scaling', async () => {
    const exec = executor();
    const other: ActionRequest = { ...req, target: { ...req.target, name: 'web' } };
    expect(await exec.precondition(other)).toMatchObject({ ok: false, detail: 'box/web is not a target of the local executor (actions.local.targets).' });
    await expect(exec.execute(other)).rejects.toThrow(/not a target/);
    expect(await exec.precondition({ ...req, name: 'scale-to-declared' })).toMatchObject({ ok: false, detail: 'The local executor cannot scale.' });
    expect(existsSync(marker)).toBe(false);
  });

  it('without a status command it acts on the alert alone and cannot verify by itself', async () => {
    const exec = executor();
    const t: ActionRequest = { name: 'delete-pod', target: { namespace: 'box', kind: 'pod', name: 'no-status' } };
    expect(await exec.precondition(t)).toMatchObject({ ok: true, detail: expect.stringMatching(/no status command/) });
    await exec.execute(t);
    expect(existsSync(marker)).toBe(true);
    expect(await exec.verify(t)).toMatchObject({ ok: false, detail: 'box/no-status has no status command to verify with.' });
  });
});
