/**
 * Kona's side of the inference dispatcher: with KONA_DISPATCHER_CONFIG the dispatcher runs inside
 * this process on a loopback port (single box); with KONA_DISPATCHER_URL Kona talks to a separate
 * `kona dispatcher` (cluster). Either way features get the same typed client, so the in-process and
 * service shapes behave alike, streaming and cancellation included.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../platform/config/config.js';
import { DispatcherClient } from '../inference/client.js';

/** The client and what to stop at shutdown. */
export interface Inference {
  client?: DispatcherClient;
  /** "in-process", "service" or "off", for logs and the operator page. */
  mode: 'in-process' | 'service' | 'off';
  /** The in-process dispatcher's metrics, to serve in Kona's own /metrics. */
  registry?: Registry;
  close(): Promise<void>;
}

/** Starts the in-process dispatcher or points at the configured service; `off` when neither is set. */
export async function startInference(config: Config, logger: Logger): Promise<Inference> {
  const { KONA_DISPATCHER_CONFIG: file, KONA_DISPATCHER_URL: url, KONA_DISPATCHER_TOKEN: token } = config.settings;
  if (url) return { client: new DispatcherClient({ baseUrl: url, token }), mode: 'service', close: async () => {} };
  if (!file) return { mode: 'off', close: async () => {} };
  const { startDispatcherServer } = await import('../inference/dispatcher/server.js');
  const server = await startDispatcherServer({
    configFile: file, host: '127.0.0.1', port: 0, token, logger: logger.child({ component: 'dispatcher' }),
    defaultMetrics: false, // the web process's own /metrics already has them
  });
  logger.info({ url: server.url }, 'inference dispatcher running in-process');
  return {
    client: new DispatcherClient({ baseUrl: server.url, token }),
    mode: 'in-process',
    registry: server.metrics.registry,
    close: () => server.close(config.settings.KONA_SHUTDOWN_GRACE_SECONDS * 1000),
  };
}
