import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';

/**
 * The data-directory lock is an OS lock (Linux open-file-description lock, flock on macOS,
 * LockFileEx on Windows) on `kona.lock`: the kernel drops it when its holder exits, however it
 * exits, so a stale file never blocks a start, whatever pid it names. The file's content only says
 * who holds it (pid, role, admin socket) for the CLI.
 */

/** What the holder of the data-directory lock wrote: its pid and where its admin socket listens. */
export interface LockInfo {
  pid: number;
  socket?: string;
  role: string;
}

/** The lock file's path. */
export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'kona.lock');
}

function readInfo(fd: number): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(fd, 'utf8')) as LockInfo;
    return typeof info.pid === 'number' ? info : undefined;
  } catch {
    return undefined;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Who holds the data directory now, if a live process does (this one included). */
export function lockHolder(dataDir: string): LockInfo | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath(dataDir), 'r');
  } catch {
    return undefined;
  }
  try {
    // A shared lock is refused only while a holder keeps its exclusive one; ours goes with the close below.
    if (tryLock(fd, { shared: true })) return undefined;
    return readInfo(fd) ?? { pid: 0, role: 'unknown' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes the data directory for this process. Embedded (PGlite) databases belong to one process at
 * a time; opening them from two would corrupt them, so a second process must ask the first.
 */
export function acquireLock(dataDir: string, info: Omit<LockInfo, 'pid'>): { release(): void } | { heldBy: LockInfo } {
  return acquireFileLock(lockPath(dataDir), info);
}

/** The same OS lock on any file (e.g. the backup lock), its folder created when missing. */
export function acquireFileLock(file: string, info: Omit<LockInfo, 'pid'>): { release(): void } | { heldBy: LockInfo } {
  mkdirSync(path.dirname(file), { recursive: true });
  // Retries cover a lockHolder() probe (a shared lock held for microseconds) and a holder that has
  // locked but not yet written who it is.
  for (let attempt = 0; attempt < 5; attempt++) {
    const fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
    if (!tryLock(fd)) {
      const holder = readInfo(fd);
      closeSync(fd);
      if (attempt === 4) return { heldBy: holder ?? { pid: 0, role: 'unknown' } };
      pause(25);
      continue;
    }
    // A holder releasing removes the file: a lock taken on the removed file would guard nothing.
    if (!sameFile(fd, file)) {
      closeSync(fd);
      continue;
    }
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify({ ...info, pid: process.pid }), 0);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        // Removed while still locked, so whoever waits on this file sees it gone and starts afresh.
        rmSync(file, { force: true });
        unlock(fd);
        closeSync(fd);
      },
    };
  }
  throw new Error(`Could not take the lock ${file}: it kept being removed`);
}

function sameFile(fd: number, file: string): boolean {
  try {
    const [held, named] = [fstatSync(fd), statSync(file)];
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}
