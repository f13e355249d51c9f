#!/usr/bin/env node
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../platform/config/config.js';
import { describeSettings } from '../platform/config/config.schema.js';
import { generateSecrets } from '../platform/crypto/secrets.js';
import { createLogger } from '../platform/logging/logger.js';
import { callAdmin, type AdminRequest } from '../platform/runtime/admin-socket.js';
import { acquireLock, lockHolder } from '../platform/runtime/lock.js';
import { startupRefusal } from '../triage/ingest/auth.js';
import { runAdminCommand } from './admin-commands.js';
import { addBackupCommands } from './backup-cli.js';
import { addDrillClusterCommands, addDrillLoadCommands, addDrillReportCommand, drillCommand } from './drill-commands.js';
import { ArchiveCommandError } from './archive-commands.js';
import { LayerNotConfigured } from '../ops/backup/archive.config.js';
import { startInference } from './inference.js';
import { openRuntime, sweepUploadsAtStart } from './runtime.js';
import { createJobRunner, serve } from './web.js';

/** Thrown for a failed command: printed without a stack trace. */
class CliError extends Error {}

/**
 * Runs an admin command where it is safe: through the running server's socket when one holds the
 * embedded databases, otherwise in this process under the same lock (never both at once).
 */
async function admin(config: Config, request: AdminRequest): Promise<unknown> {
  const logger = createLogger(process.env.KONA_LOG_LEVEL ?? 'warn', process.stderr as never);
  if (config.embeddedControlPlane) {
    const holder = lockHolder(config.dataDir);
    if (holder?.socket && holder.role === 'serve') {
      const answer = await callAdmin(holder.socket, request).catch((err: Error) => {
        throw new CliError(`Kona is running (pid ${holder.pid}) but did not answer on ${holder.socket}: ${err.message}`);
      });
      if (!answer.ok) throw new CliError(answer.error);
      return answer.result;
    }
    const lock = acquireLock(config.dataDir, { role: 'cli' });
    if ('heldBy' in lock) throw new CliError(`Another kona process (pid ${lock.heldBy.pid}, ${lock.heldBy.role}) is using ${config.dataDir}; wait for it to finish.`);
    try {
      return await runLocally(config, logger, request);
    } finally {
      lock.release();
    }
  }
  return runLocally(config, logger, request);
}

async function runLocally(config: Config, logger: ReturnType<typeof createLogger>, request: AdminRequest) {
  const rt = await openRuntime(config, logger);
  try {
    const answer = await runAdminCommand(rt, request);
    if (!answer.ok) throw new CliError(answer.error);
    return answer.result;
  } finally {
    await rt.close();
  }
}

/** A --port option's value: 0 (a free port) to 65535. */
function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a port number from 0 to 65535');
  return port;
}

/** On the first SIGTERM or SIGINT, runs `stop` and exits 0 (1 if stopping failed); later signals are ignored. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

const program = new Command('kona').description('Kona: operations platform for dog rescues').showHelpAfterError();

program
  .command('serve', { isDefault: true })
  .description('Run the web server (and, on a single box, the job runner)')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.settings.KONA_LOG_LEVEL);
    const server = await serve(config, logger);
    process.stdout.write(`Kona is serving at ${server.url}\n`);
    let stopping = false;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        void server.stop().then(() => process.exit(0), (err: Error) => {
          logger.error({ err: err.message }, 'shutdown failed');
          process.exit(1);
        });
      });
    }
  });

program
  .command('worker')
  .description('Run background jobs (cluster shape, with a PostgreSQL control plane)')
  .action(async () => {
    const config = loadConfig();
    if (config.embeddedControlPlane) throw new CliError('On the embedded default, `kona serve` runs the jobs itself; `kona worker` needs KONA_CONTROL_DATABASE_URL.');
    const logger = createLogger(config.settings.KONA_LOG_LEVEL);
    const rt = await openRuntime(config, logger);
    await sweepUploadsAtStart(rt);
    const inference = await startInference(config, logger);
    rt.ctx.inference = inference.client;
    const runner = await createJobRunner(rt, logger);
    runner.start();
    logger.info({ workerId: runner.workerId }, 'worker started');
    const stop = async () => {
      await runner.stop();
      await inference.close();
      await rt.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });

program
  .command('migrate')
  .description('Apply pending migrations to the control plane and every tenant database')
  .action(async () => print(await admin(loadConfig(), { command: 'migrate', args: {} })));

const tenant = program.command('tenant').description('Manage rescues (tenants)');
tenant
  .command('create <slug>')
  .description('Create a rescue: embedded by default, or on a PostgreSQL server')
  .requiredOption('--name <name>', 'the rescue\'s name')
  .option('--hostname <host...>', 'hostnames that serve this rescue')
  .option('--server [url]', 'create its database on a PostgreSQL server (default KONA_TENANT_SERVER_URL)')
  .option('--database-url <url>', 'use an existing, empty database (e.g. a CloudNativePG cluster\'s service)')
  .option('--admin-email <email>', 'invite the first admin and print the invitation link')
  .action(async (slug: string, o: { name: string; hostname?: string[]; server?: string | boolean; databaseUrl?: string; adminEmail?: string }) => {
    const config = loadConfig();
    const serverUrl = o.server === true ? config.settings.KONA_TENANT_SERVER_URL : o.server || undefined;
    if (o.server === true && !serverUrl) throw new CliError('--server needs a URL, or KONA_TENANT_SERVER_URL set.');
    print(await admin(config, { command: 'tenant.create', args: { slug, name: o.name, hostnames: o.hostname ?? [], serverUrl, databaseUrl: o.databaseUrl, adminEmail: o.adminEmail } }));
  });
tenant.command('list').description('List rescues').action(async () => {
  const rows = (await admin(loadConfig(), { command: 'tenant.list', args: {} })) as { slug: string; name: string; status: string; dbKind: string; hostnames: string[] }[];
  if (rows.length === 0) return void process.stdout.write('No rescues yet. Create one with: kona tenant create <slug> --name "…"\n');
  for (const r of rows) process.stdout.write(`${r.slug.padEnd(24)} ${r.status.padEnd(9)} ${r.dbKind.padEnd(9)} ${r.name}${r.hostnames.length ? `  (${r.hostnames.join(', ')})` : ''}\n`);
});
tenant.command('disable <slug>').description('Switch a rescue\'s site and hub off (data is kept)').action(async (slug: string) => print(await admin(loadConfig(), { command: 'tenant.disable', args: { slug } })));
tenant.command('enable <slug>').description('Switch a disabled rescue back on').action(async (slug: string) => print(await admin(loadConfig(), { command: 'tenant.enable', args: { slug } })));
tenant
  .command('remove <slug>')
  .description('Delete a rescue and all its data (its database, uploads and outbox); e.g. the demo rescue')
  .option('--confirm <slug>', 'repeat the slug: nothing is deleted without it')
  .action(async (slug: string, o: { confirm?: string }) => print(await admin(loadConfig(), { command: 'tenant.remove', args: { slug, confirm: o.confirm } })));
tenant
  .command('invite-admin <slug> <email>')
  .description('Print an invitation link that makes <email> an admin of the rescue')
  .action(async (slug: string, email: string) => print(await admin(loadConfig(), { command: 'tenant.invite-admin', args: { slug, email } })));

program
  .command('operator')
  .description('Manage operator accounts')
  .command('create <username>')
  .description('Create an operator; prints the generated password once')
  .option('--email <email>', 'where "Forgot password?" on the console sends a reset link')
  .action(async (username: string, opts: { email?: string }) => print(await admin(loadConfig(), { command: 'operator.create', args: { username, ...(opts.email ? { email: opts.email } : {}) } })));

program.command('settings').description('List every setting (environment variable) with its default').action(() => {
  for (const s of describeSettings()) process.stdout.write(`${s.name}${s.defaultValue ? `=${s.defaultValue}` : ''}\n    ${s.description}\n`);
});

const keys = program.command('keys').description('Encryption keys');
keys
  .command('generate')
  .description('Print a fresh KONA_ENCRYPTION_KEYS, KONA_BLIND_INDEX_KEY and KONA_SESSION_SECRET as JSON (for KONA_KEYS_FILE)')
  .action(() => print(generateSecrets()));
keys
  .command('rotate')
  .description('Make a new key current (generated keys) and re-encrypt every rescue\'s PII under it in the background')
  .action(async () => print(await admin(loadConfig(), { command: 'keys.rotate', args: {} })));
keys
  .command('status')
  .description('Show how many encrypted values each key holds, per rescue')
  .action(async () => print(await admin(loadConfig(), { command: 'keys.status', args: {} })));

addBackupCommands(program, keys, admin);
addDrillReportCommand(drillCommand(program));
addDrillLoadCommands(drillCommand(program));
addDrillClusterCommands(drillCommand(program));

program
  .command('sim-backend')
  .description('Run a simulated GPU model server (OpenAI-compatible, with metrics and switchable faults) for tests and benchmarks')
  .option('--port <n>', 'port (0 picks a free one)', '0')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--slots <n>', 'sequences decoded at once', '4')
  .option('--flavour <kind>', 'server imitated: vllm or llamacpp (health, metrics, llama.cpp /slots), ollama (/api/version, /api/tags, /api/ps, no /health) or none', 'vllm')
  .option('--model <name>', 'model name it serves', 'sim-model')
  .option('--step-ms <ms>', 'decode step with one sequence (ms per output token)', '20')
  .option('--alpha <f>', 'extra step fraction per additional running sequence', '0.1')
  .option('--prefill-ms <ms>', 'prefill cost per prompt token (ms)', '0.2')
  .option('--kv-tokens <n>', 'KV-cache capacity in tokens', '32768')
  .option('--embedding-dim <n>', 'dimension of its embeddings (text and image: deterministic unit vectors from the bytes)', '64')
  .action(async (o: Record<string, string>) => {
    const num = (key: string) => {
      const value = Number(o[key]);
      if (!Number.isFinite(value) || value < 0) throw new CliError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a non-negative number`);
      return value;
    };
    if (!['vllm', 'llamacpp', 'ollama', 'none'].includes(o.flavour!)) throw new CliError('--flavour must be vllm, llamacpp, ollama or none');
    const { startSimBackend } = await import('../inference/simulator/server.js');
    const sim = await startSimBackend({
      port: num('port'), host: o.host, flavour: o.flavour as 'vllm' | 'llamacpp' | 'ollama' | 'none', modelName: o.model, embeddingDim: Math.max(1, Math.floor(num('embeddingDim'))),
      timing: { slots: Math.max(1, Math.floor(num('slots'))), baseStepMs: num('stepMs'), alpha: num('alpha'), prefillMsPerToken: num('prefillMs'), kvTokenBudget: Math.max(1, num('kvTokens')) },
    });
    process.stdout.write(`${sim.url}\n`);
  });

program
  .command('llm-serve')
  .description('Run a GGUF model on this box\'s CPU (llama.cpp through node-llama-cpp, an opt-in install) as an OpenAI-compatible server: a dispatcher backend of kind llamacpp')
  .requiredOption('--model <file>', 'the GGUF model file')
  .option('--port <n>', 'port (0 picks a free one)', '8091')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--threads <n>', 'CPU threads (1 on a two-core box; more there slows generation)', '1')
  .option('--context <n>', 'context tokens per slot (capped at the model\'s own)', '2048')
  .option('--slots <n>', 'requests decoded at once; others wait in a queue', '1')
  .option('--name <id>', 'model id it answers to (default: the file name without .gguf)')
  .action(async (o: { model: string; port: string; host: string; threads: string; context: string; slots: string; name?: string }) => {
    const int = (key: 'threads' | 'context' | 'slots', min: number) => {
      const value = Number(o[key]);
      if (!Number.isInteger(value) || value < min) throw new CliError(`--${key} must be a whole number of at least ${min}`);
      return value;
    };
    const opts = { threads: int('threads', 0), contextSize: int('context', 16), slots: int('slots', 1), port: parsePort(o.port) };
    if (!existsSync(o.model)) throw new CliError(`--model: no file at ${o.model}`);
    const { startLlmServer } = await import('../inference/llm/server.js');
    const { LlmNotInstalledError } = await import('../inference/llm/engine.js');
    const logger = createLogger(process.env.KONA_LOG_LEVEL ?? 'info');
    const server = await startLlmServer({ ...opts, modelPath: o.model, host: o.host, modelName: o.name, logger }).catch((err: unknown) => {
      if (err instanceof LlmNotInstalledError) throw new CliError(err.message);
      throw new CliError(`kona llm-serve: cannot load ${o.model}: ${(err as Error).message}`);
    });
    process.stdout.write(`Kona llm-serve is serving ${server.modelName} at ${server.url}\n`);
    stopOnSignals(() => server.close());
  });

program
  .command('llm-tiny-model')
  .description('Write the generated tiny GGUF model (random weights, for tests and trying llm-serve; it says nothing sensible)')
  .argument('<file>', 'where to write it')
  .option('--seed <n>', 'weights seed (the same seed writes the same bytes)', '16')
  .action(async (file: string, o: { seed: string }) => {
    const seed = Number(o.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new CliError('--seed must be a non-negative whole number');
    const { writeFileSync } = await import('node:fs');
    const { tinyModelGguf } = await import('../inference/llm/tiny-model.js');
    writeFileSync(file, tinyModelGguf({ seed }));
    process.stdout.write(`${file}\n`);
  });

program
  .command('embedder')
  .description('Serve image embeddings from a CLIP-class ONNX model folder (OpenAI-style /v1/embeddings with data-URL images): a dispatcher backend of kind embedder')
  .requiredOption('--model <folder>', 'the model folder: config.json, preprocessor_config.json, onnx/vision_model.onnx')
  .option('--port <n>', 'port (0 picks a free one)', '8092')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--threads <n>', 'CPU threads per model run (0: onnxruntime\'s choice, every core)', '0')
  .option('--name <id>', 'model id it answers to (default: the folder\'s name)')
  .action(async (o: { model: string; port: string; host: string; threads: string; name?: string }) => {
    const threads = Number(o.threads);
    if (!Number.isInteger(threads) || threads < 0) throw new CliError('--threads must be a whole number (0 for every core)');
    const port = parsePort(o.port);
    const { startEmbedderServer } = await import('../inference/embedder/server.js');
    const logger = createLogger(process.env.KONA_LOG_LEVEL ?? 'info');
    const server = await startEmbedderServer({ modelDir: o.model, modelName: o.name, host: o.host, port, threads: threads || undefined, logger })
      .catch((err: unknown) => { throw new CliError(`kona embedder: ${(err as Error).message}`); });
    process.stdout.write(`Kona embedder is serving ${server.embedder.id} at ${server.url}\n`);
    stopOnSignals(() => server.close());
  });

program
  .command('embedder-tiny-model')
  .description('Write the generated tiny CLIP-class model folder (seeded weights, for tests and trying kona embedder; it recognises nothing)')
  .argument('<dir>', 'the folder to write (created if missing)')
  .option('--dim <n>', 'embedding dimension', '32')
  .option('--seed <n>', 'weights seed (the same seed writes the same bytes)', '17')
  .action(async (dir: string, o: { dim: string; seed: string }) => {
    const dim = Number(o.dim);
    const seed = Number(o.seed);
    if (!Number.isInteger(dim) || dim < 1 || dim > 4096) throw new CliError('--dim must be a whole number from 1 to 4096');
    if (!Number.isInteger(seed) || seed < 0) throw new CliError('--seed must be a non-negative whole number');
    const { writeTinyClipModel } = await import('../inference/embedder/tiny-clip.js');
    process.stdout.write(`${writeTinyClipModel(dir, { dim, seed })}\n`);
  });

program
  .command('dispatcher')
  .description('Run the inference dispatcher as its own service (OpenAI-compatible API in front of the model backends)')
  .option('--config <file>', 'dispatcher configuration file (default: KONA_DISPATCHER_CONFIG)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'port (0 picks a free one)', '8090')
  .action(async (o: { config?: string; host: string; port: string }) => {
    const config = loadConfig();
    const logger = createLogger(config.settings.KONA_LOG_LEVEL);
    const file = o.config ?? config.settings.KONA_DISPATCHER_CONFIG;
    if (!file) throw new CliError('kona dispatcher needs a configuration file: --config <file> or KONA_DISPATCHER_CONFIG (see deploy/dispatcher.example.json)');
    const port = parsePort(o.port);
    const { startDispatcherServer } = await import('../inference/dispatcher/server.js');
    const { DispatcherConfigError } = await import('../inference/config/config.load.js');
    const server = await startDispatcherServer({ configFile: file, host: o.host, port, token: config.settings.KONA_DISPATCHER_TOKEN, logger }).catch((err: unknown) => {
      if (err instanceof DispatcherConfigError) throw new CliError(err.message);
      throw err;
    });
    process.stdout.write(`Kona dispatcher is serving at ${server.url}\n`);
    // SIGHUP re-reads the file (the file is also watched); a bad file keeps the configuration in force.
    process.on('SIGHUP', () => {
      const result = server.reload();
      logger.info({ result: result.status }, 'dispatcher configuration reload on SIGHUP');
    });
    stopOnSignals(() => {
      logger.info('dispatcher shutting down');
      return server.close(config.settings.KONA_SHUTDOWN_GRACE_SECONDS * 1000);
    });
  });

program
  .command('triage')
  .description('Run the alert triage service: takes Alertmanager\'s webhook, classifies, deduplicates and routes alerts')
  .option('--policy <file>', 'triage policy file (default: KONA_TRIAGE_POLICY)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <n>', 'port (0 picks a free one)', '8091')
  .option('--insecure-no-auth', 'listen without KONA_TRIAGE_TOKEN or KONA_TRIAGE_BASIC_AUTH (loopback --host only)')
  .option('--names-file <file>', 'names of people and dogs to scrub from all that leaves (default: KONA_TRIAGE_NAMES_FILE)')
  .action(async (o: { policy?: string; host: string; port: string; insecureNoAuth?: boolean; namesFile?: string }) => {
    const config = loadConfig();
    const logger = createLogger(config.settings.KONA_LOG_LEVEL);
    const file = o.policy ?? config.settings.KONA_TRIAGE_POLICY;
    if (!file) throw new CliError('kona triage needs a policy file: --policy <file> or KONA_TRIAGE_POLICY (see deploy/triage-policy.example.yaml)');
    const namesFile = o.namesFile ?? config.settings.KONA_TRIAGE_NAMES_FILE;
    if (namesFile !== undefined && !existsSync(namesFile)) throw new CliError(`The names file ${namesFile} does not exist (--names-file or KONA_TRIAGE_NAMES_FILE).`);
    const port = parsePort(o.port);
    const s = config.settings;
    const basic = s.KONA_TRIAGE_BASIC_AUTH ? { username: s.KONA_TRIAGE_BASIC_AUTH.slice(0, s.KONA_TRIAGE_BASIC_AUTH.indexOf(':')), password: s.KONA_TRIAGE_BASIC_AUTH.slice(s.KONA_TRIAGE_BASIC_AUTH.indexOf(':') + 1) } : undefined;
    const auth = { ...(s.KONA_TRIAGE_TOKEN ? { bearer: s.KONA_TRIAGE_TOKEN } : {}), ...(basic ? { basic } : {}) };
    const refusal = startupRefusal(auth, o.host, o.insecureNoAuth === true);
    if (refusal) throw new CliError(refusal);
    const url = s.KONA_TRIAGE_DATABASE_URL;
    const dir = path.join(config.dataDir, 'triage');
    // The embedded database is one process's: a second triage on the same directory must not open it.
    const lock = url ? { release: () => {} } : acquireLock(dir, { role: 'triage' });
    if ('heldBy' in lock) throw new CliError(`Another kona triage (pid ${lock.heldBy.pid}) is using ${dir}.`);
    const { startTriageService } = await import('../triage/service.js');
    const { PolicyError } = await import('../triage/policy/policy.load.js');
    const { DispatcherClient } = await import('../inference/client.js');
    const service = await startTriageService({
      policyFile: file, database: url ? { kind: 'postgres', url } : { kind: 'embedded', dir: path.join(dir, 'db') }, logger, host: o.host, port,
      auth,
      smtpUrl: s.KONA_SMTP_URL, namesFile,
      context: {
        prometheusUrl: s.KONA_TRIAGE_PROMETHEUS_URL, windowMinutes: s.KONA_TRIAGE_CONTEXT_MINUTES, timeoutSeconds: s.KONA_TRIAGE_CONTEXT_TIMEOUT_SECONDS,
        logLines: s.KONA_TRIAGE_CONTEXT_LOG_LINES, maxChars: s.KONA_TRIAGE_CONTEXT_MAX_CHARS, kubernetes: s.KONA_TRIAGE_KUBERNETES,
      },
      // The advisor asks Kona's on-site dispatcher; only a separate one (a URL) is reachable from here.
      inference: s.KONA_DISPATCHER_URL ? new DispatcherClient({ baseUrl: s.KONA_DISPATCHER_URL, token: s.KONA_DISPATCHER_TOKEN, tenant: 'triage' }) : undefined,
    }).catch((err: unknown) => {
      lock.release();
      if (err instanceof PolicyError) throw new CliError(err.message);
      throw err;
    });
    process.stdout.write(`Kona triage is serving at ${service.url}\n`);
    stopOnSignals(() => service.close().finally(() => lock.release()));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof CliError || err instanceof ArchiveCommandError || err instanceof LayerNotConfigured) {
    process.stderr.write(`${err.message}\n`);
    process.exit(err instanceof ConfigError ? 78 : 1);
  }
  process.stderr.write(`kona: ${(err as Error).message}\n`);
  process.exit(1);
});
