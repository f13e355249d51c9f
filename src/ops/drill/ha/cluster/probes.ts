/**
 * What the cluster's parts say about themselves over HTTP: Patroni's REST `/cluster`, etcd's
 * `/health`, haproxy's CSV stats. Used by `up` (waiting), `status` and the drills' control API.
 */
import type { ClusterLayout } from './layout.js';

/** One member as Patroni's `/cluster` lists it. */
export interface PatroniMember {
  name: string;
  /** leader, sync_standby, replica (Patroni 3). */
  role: string;
  /** running, streaming, starting, stopped, … */
  state: string;
  host?: string;
  port?: number;
  timeline?: number;
  /** Bytes behind the leader (Patroni reports a number, or 'unknown'). */
  lag?: number | string;
}

/** GET a JSON document with a short timeout; undefined when it does not answer. */
export async function getJson<T>(url: string, timeoutMs = 2000): Promise<{ status: number; body: T } | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: T | undefined;
    try {
      body = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      // plain-text answers (Prometheus' "Ready.") carry only their status
    }
    return { status: res.status, body: body as T };
  } catch {
    return undefined;
  }
}

/** The members as the first Patroni that answers sees them; [] when none answers. */
export async function patroniMembers(layout: ClusterLayout): Promise<PatroniMember[]> {
  for (const m of layout.members) {
    const got = await getJson<{ members?: PatroniMember[] }>(`http://127.0.0.1:${m.restPort}/cluster`);
    if (got?.status === 200 && got.body?.members) return got.body.members;
  }
  return [];
}

/** Whether the cluster has one leader and every other member streaming, at least one synchronously. */
export function healthyShape(members: PatroniMember[], expected: number): boolean {
  const leaders = members.filter((m) => m.role === 'leader' && m.state === 'running');
  const standbys = members.filter((m) => m.role !== 'leader' && ['running', 'streaming'].includes(m.state) && typeof m.lag === 'number');
  return members.length === expected && leaders.length === 1 && standbys.length === expected - 1 && standbys.some((m) => m.role === 'sync_standby');
}

/** etcd member health by name: true when its /health says so. */
export async function etcdHealth(layout: ClusterLayout): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const e of layout.etcd) {
    const got = await getJson<{ health?: string }>(`http://127.0.0.1:${e.clientPort}/health`);
    out[e.name] = got?.status === 200 && got.body?.health === 'true';
  }
  return out;
}

/** haproxy's view: each server of the rw and web backends with its state (UP, DOWN, …). */
export async function haproxyView(layout: ClusterLayout): Promise<Record<string, Record<string, string>>> {
  try {
    const res = await fetch(`http://127.0.0.1:${layout.haproxy.statsPort}/stats;csv`, { signal: AbortSignal.timeout(2000) });
    const lines = (await res.text()).split('\n').filter((l) => l && !l.startsWith('#'));
    const view: Record<string, Record<string, string>> = {};
    for (const line of lines) {
      const [proxy, server, ...rest] = line.split(',');
      if (!proxy || !server || server === 'FRONTEND' || server === 'BACKEND' || !['rw', 'web'].includes(proxy)) continue;
      (view[proxy] ??= {})[server] = rest[15] ?? 'unknown';
    }
    return view;
  } catch {
    return {};
  }
}

/** Thrown by a wait's check to stop waiting at once (a process it waits on has exited). */
export class WaitAborted extends Error {}

/** Polls `check` until it returns a value other than undefined, or throws naming `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
