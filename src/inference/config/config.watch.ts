import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../../platform/clock/clock.js';
import type { DispatcherConfig } from '../types.js';
import { diffConfigs, isEmptyDiff, summarizeDiff, type ConfigDiff } from './config.diff.js';
import { checkDispatcherConfigText, loadDispatcherConfig, readConfigText } from './config.load.js';

/** What one reload did. */
export type ReloadResult =
  | { status: 'applied'; config: DispatcherConfig; diff: ConfigDiff }
  | { status: 'unchanged' }
  | { status: 'rejected'; problems: string[] };

/** Receives a new, valid configuration together with what changed. */
export type ConfigListener = (next: DispatcherConfig, diff: ConfigDiff, previous: DispatcherConfig) => void;
/** Receives the problems of a refused file (the old configuration stays in force). */
export type RejectListener = (problems: string[]) => void;

/** The slice of a pino logger the watcher uses. */
export interface WatchLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of a ConfigWatcher. */
export interface ConfigWatcherOptions {
  /** Quiet time after the last file event before reloading; editors write in several steps. */
  debounceMs?: number;
  logger?: WatchLogger;
  /** Times the debounce (default: the system clock). */
  clock?: Clock;
}

/**
 * Holds the dispatcher's current configuration and replaces it when the file changes (watched) or
 * on demand (`reload()`, which the service calls on SIGHUP). A bad file never replaces a good
 * configuration: listeners are told why, and the old one stays. Messages never quote the file.
 */
export class ConfigWatcher {
  private config: DispatcherConfig;
  private readonly listeners = new Set<ConfigListener>();
  private readonly rejectListeners = new Set<RejectListener>();
  private watcher: FSWatcher | undefined;
  private timer: TimerHandle | undefined;
  private readonly debounceMs: number;
  private readonly clock: Clock;

  /** Loads the file now; throws DispatcherConfigError when it is bad, so a service refuses to start. */
  constructor(
    readonly file: string,
    private readonly options: ConfigWatcherOptions = {},
  ) {
    this.config = loadDispatcherConfig(file);
    this.debounceMs = options.debounceMs ?? 200;
    this.clock = options.clock ?? systemClock;
  }

  /** The configuration in force. */
  get current(): DispatcherConfig {
    return this.config;
  }

  /** Subscribes to applied changes; returns the unsubscribe function. */
  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to refused reloads; returns the unsubscribe function. */
  onReject(listener: RejectListener): () => void {
    this.rejectListeners.add(listener);
    return () => this.rejectListeners.delete(listener);
  }

  /**
   * Starts watching. The directory is watched rather than the file: editors that save by writing a
   * new file and renaming it over the old one would otherwise leave a watch on a deleted inode.
   */
  start(): void {
    if (this.watcher !== undefined) return;
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    this.watcher = watch(dir, { persistent: false }, (_event, filename) => {
      // Some platforms omit the name; reloading an unchanged file is harmless (it yields 'unchanged').
      if (filename === null || filename.toString() === base) this.schedule();
    });
    this.watcher.on('error', (err) => {
      this.options.logger?.warn({ file: this.file, code: (err as NodeJS.ErrnoException).code }, 'dispatcher config watch failed; reload with SIGHUP');
    });
  }

  /** Stops watching and cancels a pending reload. */
  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.reload();
    }, this.debounceMs, { unref: true });
  }

  // A listener's failure must not stop the others or escape a timer callback and end the process.
  private notify(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.options.logger?.warn({ file: this.file, err: (err as Error).name }, 'dispatcher config listener failed');
    }
  }

  /** Reads and checks the file now, applying it only when valid (SIGHUP calls this). */
  reload(): ReloadResult {
    const read = readConfigText(this.file);
    const check = read.ok ? checkDispatcherConfigText(read.text) : { ok: false as const, problems: [read.problem] };
    if (!check.ok) {
      this.options.logger?.warn({ file: this.file, problems: check.problems }, 'dispatcher config refused; keeping the previous one');
      for (const l of this.rejectListeners) this.notify(() => l(check.problems));
      return { status: 'rejected', problems: check.problems };
    }
    const previous = this.config;
    const diff = diffConfigs(previous, check.config);
    if (isEmptyDiff(diff)) return { status: 'unchanged' };
    this.config = check.config;
    this.options.logger?.info({ file: this.file, change: summarizeDiff(diff) }, 'dispatcher config reloaded');
    for (const l of this.listeners) this.notify(() => l(check.config, diff, previous));
    return { status: 'applied', config: check.config, diff };
  }
}
