/**
 * Kona's own processes in the drill cluster: the `kona` command this code runs from (the compiled
 * CLI beside it), one-off setup commands, and web replicas (started by `up` and by `restartWeb`).
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../../../platform/runtime/paths.js';
import type { ClusterLayout } from './layout.js';
import type { ProcessRecord } from './procs.js';

/** How to run `kona`: this Node binary and the compiled CLI (dist/src/apps/cli.js). */
export function konaCommand(): { bin: string; args: string[] } {
  return { bin: process.execPath, args: [path.join(packageRoot(), 'dist', 'src', 'apps', 'cli.js')] };
}

/** Runs `kona <args>` to completion with `env` (and PATH), its output appended to `log`. */
export function runKona(env: Record<string, string>, args: string[], log: string): Promise<void> {
  const kona = konaCommand();
  return new Promise((resolve, reject) => {
    execFile(kona.bin, [...kona.args, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      // tenant create prints only the new rescue's settings; no password is printed by these commands.
      appendFileSync(log, `$ kona ${args.join(' ')}\n${stdout}${stderr}\n`);
      if (err) reject(new Error(`kona ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      else resolve();
    });
  });
}

/** Starts the web replica `name` (`kona serve` on its port with the cluster's environment). */
export function startWeb(layout: ClusterLayout, name: string, start: (name: string, bin: string, args: string[], extra?: { env?: Record<string, string> }) => Promise<ProcessRecord>): Promise<ProcessRecord> {
  const web = layout.web.find((w) => w.name === name);
  if (!web) throw new Error(`No web replica ${name} (the cluster has ${layout.web.map((w) => w.name).join(', ')})`);
  const kona = konaCommand();
  return start(name, kona.bin, [...kona.args, 'serve'], { env: { ...layout.webEnv, KONA_PORT: String(web.port) } });
}
