import type { Kysely } from 'kysely';
import type { ControlSchema } from '../db/schema.js';
import { selectHostnames } from '../tenancy/tenants.queries.js';

/**
 * Hostname → tenant slug, held in memory because Fastify rewrites URLs synchronously. Refreshed
 * on an interval (other replicas' changes) and at once after this process changes the registry.
 */
export class HostMap {
  private map = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly control: Kysely<ControlSchema>) {}

  /** Reloads the map from the control plane. */
  async refresh(): Promise<void> {
    this.map = await selectHostnames(this.control);
  }

  /** Keeps refreshing every `ms` until {@link stop}. */
  start(ms = 10_000, onError: (err: unknown) => void = () => {}): void {
    this.timer = setInterval(() => void this.refresh().catch(onError), ms);
    this.timer.unref();
  }

  /** Stops refreshing. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** The tenant slug a Host header belongs to, if any (port ignored). */
  lookup(host: string | undefined): string | undefined {
    if (!host) return undefined;
    const name = host.toLowerCase().replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    return this.map.get(name);
  }
}
