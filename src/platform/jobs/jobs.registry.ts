import { CronExpressionParser } from 'cron-parser';
import type { z } from 'zod';
import type { Database } from '../db/driver.js';
import type { CommonTables } from '../db/schema.js';

/** Structured log sink given to the runner and to handlers; a pino logger fits. */
export interface JobLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A database the runner polls: the control plane or one tenant, with a label for logs. */
export interface JobSource {
  label: string;
  db: Database<CommonTables>;
}

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  logger: JobLogger;
  /** Aborted when the runner stops and the grace period has run out. */
  signal: AbortSignal;
  /** The database the job was queued in (cast it to that database's schema). */
  source: JobSource;
}

/** A job: a stable name (its only id, never versioned), a payload schema and a handler. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  /** Runs before the job is failed for good; defaults to 5. */
  maxAttempts?: number;
  /** UTC cron expression; scheduled runs get the payload `{}`. */
  cron?: string;
  // Method syntax on purpose: it lets a definition for one payload type sit in the untyped registry.
  handler(payload: z.output<S>, ctx: JobContext): Promise<void>;
}

/** Default for {@link JobDefinition.maxAttempts}. */
export const defaultMaxAttempts = 5;

const jobName = /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/;

/** Declares a job; the payload type of the handler is inferred from the schema. */
export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** The handlers this process can run, by job name. */
export class JobRegistry {
  readonly #jobs = new Map<string, JobDefinition>();

  /** Adds a job; refuses duplicates, bad names and invalid cron expressions. */
  register(def: JobDefinition): this {
    if (!jobName.test(def.name)) throw new Error(`Job name "${def.name}" must be lower-case words joined by ".", "_" or "-"`);
    if (this.#jobs.has(def.name)) throw new Error(`Job "${def.name}" is registered twice`);
    if (def.maxAttempts !== undefined && !(Number.isInteger(def.maxAttempts) && def.maxAttempts >= 1)) {
      throw new Error(`Job "${def.name}" needs maxAttempts to be a whole number of at least 1`);
    }
    if (def.cron !== undefined) {
      try {
        CronExpressionParser.parse(def.cron, { tz: 'UTC' });
      } catch (err) {
        throw new Error(`Job "${def.name}" has an invalid cron expression "${def.cron}": ${(err as Error).message}`, { cause: err });
      }
      // Scheduled runs carry `{}`, so a schema that rejects it would fail every tick.
      if (!def.schema.safeParse({}).success) throw new Error(`Job "${def.name}" has a cron schedule, so its schema must accept {}`);
    }
    this.#jobs.set(def.name, def);
    return this;
  }

  /** The job registered under a name, if any. */
  get(name: string): JobDefinition | undefined {
    return this.#jobs.get(name);
  }

  /** Every registered job. */
  all(): JobDefinition[] {
    return [...this.#jobs.values()];
  }

  /** Throws, naming each one, if a declared job has no handler; called when a process starts. */
  assertComplete(declaredNames: readonly string[]): void {
    const missing = declaredNames.filter((name) => !this.#jobs.has(name));
    if (missing.length > 0) {
      throw new Error(`These declared jobs have no handler: ${missing.map((n) => `"${n}"`).join(', ')}`);
    }
  }
}
