import { z } from 'zod';

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const positiveInt = (min = 1) => z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(min, `must be at least ${min}`);

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const keepRules = z
  .string()
  .regex(/^\s*(last|daily|weekly|monthly)=\d{1,4}(\s*,\s*(last|daily|weekly|monthly)=\d{1,4})*\s*$/, 'must be keep rules such as daily=7,weekly=4,monthly=6 (last, daily, weekly, monthly)');

const cronOrOff = z.string().regex(/^(off|\S+( \S+){4})$/, 'must be a five-field cron expression (UTC) or off');

/**
 * Every setting Kona reads, with its default and what it means. Keys are the environment
 * variable names; the optional JSON file (KONA_CONFIG_FILE) uses the same keys.
 */
export const settingsSchema = z.object({
  KONA_DATA_DIR: z.string().min(1).default('./data').describe(
    'Directory for embedded databases, uploads, generated keys and the process lock.',
  ),
  KONA_HOST: z.string().min(1).default('localhost').describe('Address the web server listens on.'),
  KONA_PORT: z.coerce.number({ message: 'must be a port number from 0 to 65535' }).int('must be a whole number').min(0, 'must be 0 to 65535').max(65535, 'must be 0 to 65535').default(3000).describe('Port the web server listens on (0 picks a free one).'),
  KONA_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional().describe(
    'Public base URL (e.g. https://kona.example.org). https:// turns on Secure, __Host- cookies. Default: http://localhost:<port>.',
  ),
  KONA_CONTROL_DATABASE_URL: postgresUrl.optional().describe(
    'PostgreSQL URL of the control-plane database. Unset: embedded PGlite under the data directory.',
  ),
  KONA_TENANT_SERVER_URL: postgresUrl.optional().describe(
    'PostgreSQL server on which `kona tenant create --server` creates new tenant databases (a user allowed to CREATE DATABASE).',
  ),
  KONA_ENCRYPTION_KEYS: z.string().optional().describe(
    'PII key ring: comma-separated `id:base64key` (32-byte keys); the last one encrypts new data.',
  ),
  KONA_BLIND_INDEX_KEY: z.string().optional().describe('Base64 32-byte key for keyed hashes (exact look-ups of encrypted emails).'),
  KONA_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional().describe(
    'Secret for signing CSRF tokens. Unset on the embedded default: generated into the data directory.',
  ),
  KONA_KEYS_FILE: z.string().optional().describe(
    'JSON file holding KONA_ENCRYPTION_KEYS, KONA_BLIND_INDEX_KEY and KONA_SESSION_SECRET (e.g. a mounted Kubernetes Secret).',
  ),
  KONA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level.'),
  KONA_TRUST_PROXY: bool.default(false).describe('Trust X-Forwarded-* headers (set behind Traefik or a tunnel).'),
  KONA_DEMO: bool.default(true).describe('Create the demo rescue on first start when no tenant exists.'),
  KONA_JOBS: bool.default(true).describe('Run background jobs inside the web process (`kona serve`). Turn off when `kona worker` runs them.'),
  KONA_SESSION_IDLE_MINUTES: positiveInt().default(60).describe('A session ends after this long without a request.'),
  KONA_SESSION_ABSOLUTE_HOURS: positiveInt().default(12).describe('A session ends this long after sign-in, however active.'),
  KONA_LOGIN_WINDOW_MINUTES: positiveInt().default(15).describe('Window over which failed sign-ins are counted.'),
  KONA_LOGIN_MAX_PER_ACCOUNT: positiveInt().default(5).describe('Failed sign-ins allowed per account in the window.'),
  KONA_LOGIN_MAX_PER_ADDRESS: positiveInt().default(20).describe('Failed sign-ins allowed per client address in the window, across all rescues and the operator console.'),
  KONA_INVITE_DAYS: positiveInt().default(7).describe('Days an invitation link stays valid.'),
  KONA_PASSWORD_RESET_MINUTES: positiveInt().default(60).describe('Minutes a password reset link stays valid (it also works only once).'),
  KONA_SHUTDOWN_GRACE_SECONDS: positiveInt().default(10).describe('On SIGTERM, how long in-flight requests may finish before exit.'),
  KONA_JOB_POLL_MS: positiveInt(50).default(1000).describe('How often a job runner looks for due jobs.'),
  KONA_UPLOAD_MAX_MB: positiveInt().default(20).describe('Largest photo accepted, in megabytes.'),
  KONA_DOCUMENT_MAX_MB: positiveInt().default(20).describe('Largest medical document (PDF or image) accepted, in megabytes.'),
  KONA_SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'must be an smtp:// or smtps:// URL' }).optional().describe(
    'SMTP server for outgoing mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. Unset: mail is written to the outbox in the data directory and listed in the hub.',
  ),
  KONA_MAIL_FROM: z
    .string()
    // One address, optionally with a display name; no line breaks, which would inject headers.
    .regex(/^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, 'must be one address, e.g. "Happy Tails <adopt@example.org>"')
    .default('Kona <no-reply@localhost>')
    .describe('Sender of the mail Kona sends (From).'),
  KONA_METRICS_TOKEN: z.string().min(16).optional().describe('If set, /metrics requires `Authorization: Bearer <token>`.'),
  KONA_DISPATCHER_CONFIG: z.string().min(1).optional().describe(
    'Inference dispatcher configuration file (JSON: model backends, classes, probes). Set: `kona serve` runs the dispatcher in-process on a loopback port; `kona dispatcher` serves it on its own.',
  ),
  KONA_DISPATCHER_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional().describe(
    'URL of a separate `kona dispatcher` service for Kona\'s model calls (cluster shape); use instead of KONA_DISPATCHER_CONFIG. Neither set: no model calls.',
  ),
  KONA_DISPATCHER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe(
    'Bearer token between Kona and the dispatcher: `kona dispatcher` requires it on /v1 and /status, and Kona sends it.',
  ),
  KONA_AI_MODEL: z.string().min(1).default('kona-drafting').describe(
    'Model the AI helpers (drafted bios, alt text, social posts) ask the dispatcher for; a backend in the dispatcher configuration must serve it.',
  ),
  KONA_AI_VISION_MODEL: z.string().min(1).optional().describe(
    'A vision-capable model the dispatcher serves: set, drafted bios and alt text send approved photos to it as image parts; unset, photos go as their alt text.',
  ),
  KONA_MATCHING_MODEL: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be a lower-case model id').optional().describe(
    'Image embedder for photo matching: unset, the built-in descriptor (kona-descriptor-v1); a model id, that image model through the dispatcher. Changing it re-embeds every approved photo in the background.',
  ),
  KONA_LOSTFOUND_KEEP_DAYS: positiveInt().default(7).describe(
    'Days photos uploaded to the lost-and-found search are kept before the daily lostfound.sweep job deletes them.',
  ),
  KONA_LOSTFOUND_MESSAGE_KEEP_DAYS: positiveInt().default(90).describe(
    'Days a message sent to a rescue from the lost-and-found pages stays readable in the hub before the daily lostfound.sweep job deletes it.',
  ),
  KONA_AI_DEADLINE_SECONDS: positiveInt().default(20).describe(
    'Longest a staff-triggered AI draft waits for the model before the simpler path answers instead.',
  ),
  KONA_AI_CHAT_FIRST_TOKEN_SECONDS: positiveInt().default(10).describe(
    'Longest the chat on a dog\'s record waits for the model\'s first streamed token before the record search answers instead; KONA_AI_DEADLINE_SECONDS bounds the whole answer.',
  ),
  KONA_AI_BATCH_DEADLINE_SECONDS: positiveInt().default(120).describe(
    'Longest a background AI draft (alt text after a photo is approved) waits for the model before the simpler path answers instead.',
  ),
  KONA_TRIAGE_POLICY: z.string().min(1).optional().describe(
    'Alert triage policy file (YAML: rules, mode, thresholds) for `kona triage`; see deploy/triage-policy.example.yaml.',
  ),
  KONA_TRIAGE_NAMES_FILE: z.string().min(1).optional().describe(
    'Names of people and dogs (one a line, `#` comments) that `kona triage` scrubs from all it sends out (diagnosis, advisor, escalation messages); reread when it changes.',
  ),
  KONA_TRIAGE_DATABASE_URL: postgresUrl.optional().describe(
    'PostgreSQL URL of the triage service\'s own database. Unset: embedded PGlite under the data directory (triage/db).',
  ),
  KONA_TRIAGE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe(
    'Bearer token Alertmanager must send to `kona triage` (its webhook `http_config.authorization.credentials`); also guards the page and API. Neither this nor KONA_TRIAGE_BASIC_AUTH set: `kona triage` refuses to start (unless `--insecure-no-auth` on loopback).',
  ),
  KONA_TRIAGE_BASIC_AUTH: z.string().regex(/^[^:]+:.{12,}$/, 'must be user:password with a password of at least 12 characters').optional().describe(
    'Instead of or beside the token: `user:password` for Alertmanager\'s `http_config.basic_auth`.',
  ),
  KONA_TRIAGE_PROMETHEUS_URL: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional().describe(
    'Prometheus that `kona triage` reads (/api/v1/query_range) for the diagnosis context (the alert\'s own expression, its target\'s up, restarts, CPU and memory) and to see an alert already recovering before acting. Unset: the policy\'s actions.prometheusUrl; neither: no metrics are read.',
  ),
  KONA_TRIAGE_CONTEXT_MINUTES: positiveInt().max(1440, 'must be at most 1440').default(30).describe(
    'How far back `kona triage` reads series for the diagnosis context and the recovery check.',
  ),
  KONA_TRIAGE_CONTEXT_TIMEOUT_SECONDS: positiveInt().max(60, 'must be at most 60').default(5).describe(
    'Deadline for all context reads about one alert together (Prometheus, Kubernetes, local logs); what has not answered by then is left out with a note, and a recovery check that could not read counts as unknown (the action is not held).',
  ),
  KONA_TRIAGE_CONTEXT_LOG_LINES: positiveInt().max(1000, 'must be at most 1000').default(50).describe(
    'Recent log lines `kona triage` reads per container or local unit for the diagnosis context.',
  ),
  KONA_TRIAGE_CONTEXT_MAX_CHARS: positiveInt(200).max(50_000, 'must be at most 50000').default(3000).describe(
    'Characters one piece of diagnosis context (one query\'s series, one log block) may take; older whole lines beyond it are left out and counted.',
  ),
  KONA_TRIAGE_KUBERNETES: z.enum(['auto', 'off', 'in-cluster', 'kubeconfig'], { message: 'must be auto, off, in-cluster or kubeconfig' }).default('auto').describe(
    'Where `kona triage` reads pod and deployment state and pod logs for the diagnosis context: the in-cluster service account, the default kubeconfig, or off. auto: in cluster when KUBERNETES_SERVICE_HOST is set, else off.',
  ),
  KONA_BACKUP_DIR: z.string().min(1).optional().describe(
    'Directory for backups (dumps, upload manifests, data-directory snapshots, pgBackRest repo1). Unset: `backups` beside the data directory, never inside it.',
  ),
  KONA_BACKUP_KEEP: keepRules.default('daily=7,weekly=4,monthly=6').describe(
    'Backups kept per layer and rescue after each run: last=N, daily=N, weekly=N, monthly=N (UTC days, ISO weeks, months); the newest is always kept. `kona backup list` shows the rules.',
  ),
  KONA_BACKUP_KEEP_DUMP: keepRules.optional().describe('Keep rules for the logical dumps (layer dump), instead of KONA_BACKUP_KEEP.'),
  KONA_BACKUP_KEEP_SNAPSHOT: keepRules.optional().describe('Keep rules for the data-directory snapshots (layer snapshot), instead of KONA_BACKUP_KEEP.'),
  KONA_BACKUP_DUMP_CRON: cronOrOff.default('30 2 * * *').describe(
    'When the job system takes the nightly logical dumps of every rescue and the control plane (UTC cron), or `off`.',
  ),
  KONA_BACKUP_SNAPSHOT_CRON: cronOrOff.default('45 3 * * *').describe(
    'When the job system takes the data-directory snapshot (UTC cron; embedded default only), or `off`.',
  ),
  KONA_BACKUP_RESTIC_CRON: cronOrOff.default('15 4 * * *').describe(
    'When the job system pushes the dumps and uploads to the restic repository (UTC cron, after the dumps; only with KONA_RESTIC_REPOSITORY), or `off`.',
  ),
  KONA_PGBACKREST_PG_PATH: z.string().min(1).optional().describe(
    'Data directory of the PostgreSQL server whose WAL pgBackRest archives (layer base). Unset: no WAL archive or base backups. `kona backup` runs on that host as the server\'s owner.',
  ),
  KONA_PGBACKREST_PG_PORT: positiveInt().default(5432).describe('Port of that server (pgBackRest connects through its Unix socket).'),
  KONA_PGBACKREST_PG_SOCKET: z.string().min(1).default('/var/run/postgresql').describe('Directory of that server\'s Unix socket.'),
  KONA_PGBACKREST_PG_USER: z.string().min(1).default('postgres').describe('Database superuser pgBackRest connects as.'),
  KONA_PGBACKREST_PG_URL: postgresUrl.optional().describe(
    'URL of that server for the PITR marks and the archiver metrics (pg_stat_archiver). Default: KONA_TENANT_SERVER_URL.',
  ),
  KONA_PGBACKREST_STANZA: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -').default('kona').describe('pgBackRest stanza name (one per PostgreSQL server).'),
  KONA_PGBACKREST_REPO2: z.string().min(1).optional().describe(
    'pgBackRest\'s second repository: a directory on another disk or host (mounted), never under KONA_BACKUP_DIR. Unset: repo1 only.',
  ),
  KONA_PGBACKREST_RETENTION_FULL: positiveInt().default(2).describe('Full base backups kept in each pgBackRest repository; older ones and their WAL are expired.'),
  KONA_PGBACKREST_RETENTION_DIFF: positiveInt().default(7).describe('Differential base backups kept in each pgBackRest repository.'),
  KONA_RESTIC_REPOSITORY: z.string().min(1).optional().describe(
    'restic repository for the off-site copy of dumps and uploads (a path on another disk, sftp:, s3:, rest:). Unset: no restic layer.',
  ),
  KONA_RESTIC_PASSWORD_FILE: z.string().min(1).optional().describe(
    'File holding the restic repository password (a mounted secret); required with KONA_RESTIC_REPOSITORY. Never put the password in the repository or an environment file.',
  ),
  KONA_RESTIC_KEEP_DAILY: positiveInt(0).default(7).describe('restic retention: daily snapshots kept (`restic forget --keep-daily`).'),
  KONA_RESTIC_KEEP_WEEKLY: positiveInt(0).default(4).describe('restic retention: weekly snapshots kept.'),
  KONA_RESTIC_KEEP_MONTHLY: positiveInt(0).default(6).describe('restic retention: monthly snapshots kept.'),
});

/** Validated settings, as parsed from the environment and the optional file. */
export type Settings = z.infer<typeof settingsSchema>;

/** The documented list of settings: name, default and description (README and `kona settings`). */
export function describeSettings(): { name: string; defaultValue: string; description: string }[] {
  return Object.entries(settingsSchema.shape).map(([name, field]) => {
    const parsed = field.safeParse(undefined);
    const defaultValue = parsed.success && parsed.data !== undefined ? String(parsed.data) : '';
    return { name, defaultValue, description: field.description ?? '' };
  });
}
