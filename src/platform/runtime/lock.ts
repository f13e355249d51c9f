import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** What the holder of the data-directory lock wrote: its pid and where its admin socket listens. */
export interface LockInfo {
  pid: number;
  socket?: string;
  role: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's path. */
export function lockPath(dataDir: string): string {
  return path.join(dataDir, 'kona.lock');
}

/** Who holds the data directory now, if a live process does. */
export function lockHolder(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return alive(info.pid) && info.pid !== process.pid ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data directory for this process. Embedded (PGlite) databases belong to one process at
 * a time; opening them from two would corrupt them, so a second process must ask the first.
 */
export function acquireLock(dataDir: string, info: Omit<LockInfo, 'pid'>): { release(): void } | { heldBy: LockInfo } {
  mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ ...info, pid: process.pid }));
      closeSync(fd);
      return {
        release: () => {
          const current = lockHolderRaw(file);
          if (current?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = lockHolderRaw(file);
      if (holder && alive(holder.pid) && holder.pid !== process.pid) return { heldBy: holder };
      rmSync(file, { force: true }); // left by a process that died
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

function lockHolderRaw(file: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}
