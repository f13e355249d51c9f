/**
 * The restart command the triage end-to-end test gives the local executor for target
 * kona-e2e/fixture: `node restart-exporter.mjs <dir> <port>` stops the exporter whose pid is in
 * `<dir>/pid`, starts a new one (detached, same directory and port) and exits 0 once it serves
 * /metrics, or 1 when it could not. Plain JavaScript: the executor runs it with `node`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, port] = process.argv.slice(2);
if (!dir || !port) {
  process.stderr.write('usage: restart-exporter.mjs <dir> <port>\n');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const old = Number(readFileSync(path.join(dir, 'pid'), 'utf8').trim());
if (alive(old)) process.kill(old, 'SIGTERM');
for (let i = 0; i < 100 && alive(old); i++) await sleep(50);
if (alive(old)) process.exit(1);

const child = spawn(process.execPath, [path.join(import.meta.dirname, 'exporter.mjs')], {
  detached: true, stdio: 'ignore', env: { ...process.env, FIXTURE_DIR: dir, FIXTURE_PORT: port },
});
child.unref();
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/metrics`)).ok && Number(readFileSync(path.join(dir, 'pid'), 'utf8').trim()) === child.pid) process.exit(0);
  } catch {
    // not listening yet
  }
  await sleep(50);
}
process.exit(1);
