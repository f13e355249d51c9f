import { z } from 'zod';
import { defaultReserve } from '../scheduler/router.js';
import { backendKinds, backendTiers, priorityClasses, type DispatcherConfig, type PriorityClass } from '../types.js';

/**
 * Schema of the dispatcher's configuration file (JSON). Objects are strict so that a misspelt key
 * ("slot" for "slots") is reported instead of silently taking a default. Messages never echo a
 * base URL's value: a mistyped URL is the likeliest place for a password to appear.
 */

/** A type-level message that says "is required" when the key is absent rather than merely wrong. */
const typeError = (text: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `is required; ${text}` : text);

const wholeAtLeast = (min: number) =>
  z
    .number({ error: typeError(`must be a whole number ≥ ${min}`) })
    .int({ error: `must be a whole number ≥ ${min}` })
    .min(min, { error: `must be a whole number ≥ ${min}` });

const nonEmptyText = (what: string) =>
  z.string({ error: typeError(`must be ${what} (text)`) }).trim().min(1, { error: `must be ${what}, not empty` });

/** Checks a backend base URL's form; the privacy guard judges its host separately. */
function checkBaseUrl(value: string, ctx: z.RefinementCtx): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http:// or https:// URL, e.g. http://10.0.0.5:8000' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must use http or https (got ${url.protocol.replace(':', '')})` });
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password; credentials do not belong in this file' });
  }
  if (url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: 'must not have a query string or fragment' });
  }
  if (/\/v1\/?$/.test(url.pathname)) {
    ctx.addIssue({ code: 'custom', message: 'must be the server root without /v1 (the dispatcher adds /v1/... itself)' });
  }
}

/**
 * Slots kept from a class and those below it (types.ts ClassReserve). Batch keeps at least what
 * drafting keeps: the slots kept from drafting are kept from batch too, or batch could fill them.
 */
const reserveSchema = z
  .strictObject({
    drafting: z.number({ error: typeError('must be a whole number ≥ 0 (slots kept from drafting and batch)') }).int({ error: 'must be a whole number ≥ 0' }).min(0, { error: 'must be a whole number ≥ 0' }),
    batch: z.number({ error: typeError('must be a whole number ≥ 0 (slots kept from batch)') }).int({ error: 'must be a whole number ≥ 0' }).min(0, { error: 'must be a whole number ≥ 0' }),
  })
  .refine((r) => r.batch >= r.drafting, { path: ['batch'], error: 'must be at least drafting: the slots kept from drafting are kept from batch too' });

/** One backend entry. */
export const backendSchema = z.strictObject({
  name: nonEmptyText('a name').regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
    error: 'must be letters, digits, ".", "_" or "-" (it is used as a metrics label)',
  }),
  // Trailing slashes are dropped so callers can append "/v1/..." without doubling them.
  baseUrl: z
    .string({ error: typeError('must be an http(s) URL (text)') })
    .trim()
    .superRefine(checkBaseUrl)
    .transform((v) => v.replace(/\/+$/, '')),
  kind: z.enum(backendKinds, { error: typeError(`must be one of ${backendKinds.join(', ')}`) }),
  tier: z.enum(backendTiers, { error: typeError(`must be one of ${backendTiers.join(', ')}`) }),
  models: z
    .array(nonEmptyText('a model name'), { error: typeError('must be a list of model names') })
    .min(1, { error: 'must list at least one model' }),
  slots: wholeAtLeast(1),
  weight: z
    .number({ error: 'must be a number > 0' })
    .positive({ error: 'must be a number > 0' })
    .refine(Number.isFinite, { error: 'must be a number > 0' })
    .default(1),
  onSite: z.boolean({ error: 'must be true or false' }).default(false),
  reserve: reserveSchema.optional(),
}).superRefine((b, ctx) => {
  // Ollama's documentation gives its base URL as http://localhost:11434/api; the dispatcher adds /api/... itself.
  if (b.kind === 'ollama' && /\/api$/.test(b.baseUrl)) {
    ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must be the Ollama server root without /api (the dispatcher adds /api/... and /v1/... itself)' });
  }
  if (b.reserve && b.reserve.batch >= b.slots) {
    ctx.addIssue({ code: 'custom', path: ['reserve', 'batch'], message: `must be less than slots (${b.slots}): batch would be left no slot` });
  }
});

/** Defaults per class: interactive waits least and holds fewest; batch may wait long and pile up. */
export const defaultClassLimits: Record<PriorityClass, { maxQueued: number; deadlineMs: number }> = {
  interactive: { maxQueued: 200, deadlineMs: 30_000 },
  drafting: { maxQueued: 500, deadlineMs: 120_000 },
  batch: { maxQueued: 10_000, deadlineMs: 600_000 },
};

const classLimitsSchema = (cls: PriorityClass) =>
  z
    .strictObject({
      maxQueued: wholeAtLeast(1).default(defaultClassLimits[cls].maxQueued),
      deadlineMs: wholeAtLeast(1).default(defaultClassLimits[cls].deadlineMs),
    })
    .default({ ...defaultClassLimits[cls] });

const classesSchema = z
  .strictObject(
    Object.fromEntries(priorityClasses.map((c) => [c, classLimitsSchema(c)])) as {
      [C in PriorityClass]: ReturnType<typeof classLimitsSchema>;
    },
  )
  .default({
    interactive: { ...defaultClassLimits.interactive },
    drafting: { ...defaultClassLimits.drafting },
    batch: { ...defaultClassLimits.batch },
  });

/** Default probe cadence: detection within two intervals means a dead backend is noticed in ~4 s. */
export const defaultProbe = { intervalMs: 2_000, timeoutMs: 1_500 };
/** Default age after which a backend's own load signals are ignored. */
export const defaultMetricsStaleMs = 5_000;

/**
 * Default attempt limits: a first token within 30 s (a GPU that has not started in that time is
 * hung or hopelessly behind), a whole non-streamed answer within 5 min, 15 s of silence mid-stream.
 */
export const defaultTimeouts = { firstTokenMs: 30_000, responseMs: 300_000, streamIdleMs: 15_000 };
/** Default attempts: the first backend and two others. */
export const defaultRetry = { maxAttempts: 3 };

const reserveConfigSchema = z
  .strictObject({
    drafting: reserveSchema.shape.drafting.default(defaultReserve.drafting),
    batch: reserveSchema.shape.batch.default(defaultReserve.batch),
    tiers: z.partialRecord(z.enum(backendTiers, { error: `must be one of ${backendTiers.join(', ')}` }), reserveSchema).optional(),
  })
  .refine((r) => r.batch >= r.drafting, { path: ['batch'], error: 'must be at least drafting: the slots kept from drafting are kept from batch too' })
  .default({ ...defaultReserve });

/** The whole file. */
export const dispatcherConfigSchema = z
  .strictObject({
    backends: z.array(backendSchema, { error: typeError('must be a list of backends') }).min(1, { error: 'must list at least one backend' }),
    classes: classesSchema,
    probe: z
      .strictObject({
        intervalMs: wholeAtLeast(100).default(defaultProbe.intervalMs),
        timeoutMs: wholeAtLeast(50).default(defaultProbe.timeoutMs),
      })
      .default({ ...defaultProbe }),
    metricsStaleMs: wholeAtLeast(100).default(defaultMetricsStaleMs),
    timeouts: z
      .strictObject({
        firstTokenMs: wholeAtLeast(1).default(defaultTimeouts.firstTokenMs),
        responseMs: wholeAtLeast(1).default(defaultTimeouts.responseMs),
        streamIdleMs: wholeAtLeast(1).default(defaultTimeouts.streamIdleMs),
      })
      .default({ ...defaultTimeouts }),
    retry: z
      .strictObject({ maxAttempts: wholeAtLeast(1).max(10, { error: 'must be at most 10' }).default(defaultRetry.maxAttempts) })
      .default({ ...defaultRetry }),
    reserve: reserveConfigSchema,
  })
  .superRefine((cfg, ctx) => {
    const firstIndex = new Map<string, number>();
    cfg.backends.forEach((b, i) => {
      const seen = firstIndex.get(b.name);
      if (seen === undefined) firstIndex.set(b.name, i);
      else ctx.addIssue({ code: 'custom', path: ['backends', i, 'name'], message: `"${b.name}" is already used by backends[${seen}]; names must be unique` });
    });
    // A probe that may outlast its interval would overlap the next one.
    if (cfg.probe.timeoutMs >= cfg.probe.intervalMs) {
      ctx.addIssue({ code: 'custom', path: ['probe', 'timeoutMs'], message: `must be less than probe.intervalMs (${cfg.probe.intervalMs})` });
    }
    // Signals are refreshed about once per probe interval; a shorter bound would discard every one.
    if (cfg.metricsStaleMs < cfg.probe.intervalMs) {
      ctx.addIssue({ code: 'custom', path: ['metricsStaleMs'], message: `must be at least probe.intervalMs (${cfg.probe.intervalMs})` });
    }
  });

// Compile-time check that the schema's output is exactly the shared type.
type Output = z.output<typeof dispatcherConfigSchema>;
const _sameShape: [Output extends DispatcherConfig ? true : false, DispatcherConfig extends Output ? true : false] = [true, true];
void _sameShape;

/** Writes a zod path as the file reads: backends[1].slots. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(file)' : out;
}

/** Turns zod issues into one line each, "path: what is wrong". */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: not a known setting (misspelt?)`).join('\n');
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  }).flatMap((line) => line.split('\n'));
}
