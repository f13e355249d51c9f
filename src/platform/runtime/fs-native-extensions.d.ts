// The package ships no types; only what lock.ts uses is declared.
declare module 'fs-native-extensions' {
  /** Takes an OS lock on an open file without waiting (exclusive unless shared); false when another holds it. */
  export function tryLock(fd: number, opts?: { shared?: boolean }): boolean;
  /** Releases the lock this file descriptor holds. */
  export function unlock(fd: number): void;
}
