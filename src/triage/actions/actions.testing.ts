/**
 * Test servers for the actions module: a small fake Kubernetes API server (the real REST paths and
 * JSON of the calls the executor makes) and a fake Prometheus answering /api/v1/query.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** One request the fake API server received. */
export interface SeenRequest {
  method: string;
  path: string;
  contentType: string;
  authorization: string;
  body: unknown;
}

/** A running fake server. */
export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** A fake Kubernetes API server holding deployments and pods as plain JSON objects. */
export interface FakeKubernetes extends FakeServer {
  deployments: Map<string, Record<string, any>>;
  pods: Map<string, Record<string, any>>;
  /** Pod logs by "namespace/pod/container" (add "/previous" for the previous run), as /log returns them. */
  logs: Map<string, string>;
  requests: SeenRequest[];
  /** A KubeConfig pointing at it with a bearer token. */
  kubeConfig(): KubeConfig;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

/** Deep-merges a patch into an object (merge-patch semantics, enough for the executor's patches). */
function merge(target: Record<string, any>, patch: Record<string, any>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) merge((target[k] ??= {}) as Record<string, any>, v as Record<string, any>);
    else target[k] = v;
  }
}

/** Starts a fake Kubernetes API server on a free port. */
export async function startFakeKubernetes(): Promise<FakeKubernetes> {
  const deployments = new Map<string, Record<string, any>>();
  const pods = new Map<string, Record<string, any>>();
  const logs = new Map<string, string>();
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      requests.push({ method: req.method ?? '', path, contentType: req.headers['content-type'] ?? '', authorization: req.headers.authorization ?? '', body });
      const send = (code: number, obj: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      const dep = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/.exec(path);
      const pod = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
      const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(path);
      if (log && req.method === 'GET') {
        // What the API does with the parameters the client sends: the last tailLines lines, at most limitBytes.
        const previous = url.searchParams.get('previous') === 'true';
        const text = logs.get(`${log[1]}/${log[2]}/${url.searchParams.get('container') ?? ''}${previous ? '/previous' : ''}`);
        if (text === undefined) return send(400, status(400, 'BadRequest', `previous terminated container not found`));
        const tail = Number(url.searchParams.get('tailLines') ?? '0');
        const lines = text.split('\n').filter((l) => l !== '');
        const limited = (tail > 0 ? lines.slice(-tail) : lines).join('\n') + '\n';
        const limit = Number(url.searchParams.get('limitBytes') ?? '0');
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end(limit > 0 ? limited.slice(0, limit) : limited);
      }
      if (dep) {
        const key = `${dep[1]}/${dep[2]}`;
        const d = deployments.get(key);
        if (!d) return send(404, status(404, 'NotFound', `deployments.apps "${dep[2]}" not found`));
        if (req.method === 'GET' && !dep[3]) return send(200, d);
        if (req.method === 'PATCH' && !dep[3]) {
          merge(d, body as Record<string, any>);
          d.metadata.generation = (d.metadata.generation ?? 1) + 1;
          return send(200, d);
        }
        if (req.method === 'PATCH' && dep[3]) {
          d.spec.replicas = (body as { spec: { replicas: number } }).spec.replicas;
          d.metadata.generation = (d.metadata.generation ?? 1) + 1;
          return send(200, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: dep[2], namespace: dep[1] }, spec: { replicas: d.spec.replicas }, status: { replicas: d.status?.replicas ?? 0 } });
        }
      }
      if (pod) {
        const key = `${pod[1]}/${pod[2]}`;
        const p = pods.get(key);
        if (!p) return send(404, status(404, 'NotFound', `pods "${pod[2]}" not found`));
        if (req.method === 'GET') return send(200, p);
        if (req.method === 'DELETE') {
          const uid = (body as { preconditions?: { uid?: string } } | undefined)?.preconditions?.uid;
          if (uid !== undefined && uid !== p.metadata.uid) {
            return send(409, status(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${p.metadata.uid}`));
          }
          pods.delete(key);
          return send(200, p);
        }
      }
      send(405, status(405, 'MethodNotAllowed', `${req.method} ${path} is not served by the fake`));
    })().catch((err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    });
  });
  const url = await listen(server);
  return {
    url, deployments, pods, logs, requests,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'triage', token: 'fake-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'triage' }],
        currentContext: 'fake',
      });
      return kc;
    },
    close: () => close(server),
  };
}

/** A deployment object as the API returns it. */
export function fakeDeployment(namespace: string, name: string, over: { replicas?: number; available?: number; updated?: number; generation?: number; observed?: number; annotations?: Record<string, string>; paused?: boolean } = {}): Record<string, any> {
  const replicas = over.replicas ?? 2;
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace, generation: over.generation ?? 1, annotations: over.annotations ?? {}, uid: `dep-${name}` },
    spec: { replicas, paused: over.paused, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'x' }] } } },
    status: { observedGeneration: over.observed ?? over.generation ?? 1, replicas, updatedReplicas: over.updated ?? replicas, availableReplicas: over.available ?? replicas, readyReplicas: over.available ?? replicas },
  };
}

/** A pod object as the API returns it; `crashLooping` puts its container in CrashLoopBackOff. */
export function fakePod(namespace: string, name: string, over: { uid?: string; crashLooping?: boolean; ready?: boolean; owned?: boolean } = {}): Record<string, any> {
  const ready = over.ready ?? !over.crashLooping;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, uid: over.uid ?? `uid-${name}`, ownerReferences: over.owned === false ? [] : [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }] },
    spec: { containers: [{ name: 'app', image: 'x' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready, restartCount: over.crashLooping ? 7 : 0, image: 'x', imageID: 'x', state: over.crashLooping ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: {} } }],
    },
  };
}

/** A fake Prometheus: /api/v1/query answers from `answer(query)` (series label sets; [] = empty vector). */
export interface FakePrometheus extends FakeServer {
  queries: string[];
  answer: (query: string) => Record<string, string>[] | 'error';
}

/** Starts a fake Prometheus on a free port. */
export async function startFakePrometheus(answer: FakePrometheus['answer'] = () => []): Promise<FakePrometheus> {
  const queries: string[] = [];
  const fake = { answer } as FakePrometheus;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/query') {
      res.writeHead(404).end('404 page not found');
      return;
    }
    const query = url.searchParams.get('query') ?? '';
    queries.push(query);
    const series = fake.answer(query);
    res.writeHead(series === 'error' ? 400 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(series === 'error'
      ? { status: 'error', errorType: 'bad_data', error: 'parse error' }
      : { status: 'success', data: { resultType: 'vector', result: series.map((metric) => ({ metric, value: [1764090000.123, '1'] })) } }));
  });
  const url = await listen(server);
  return Object.assign(fake, { url, queries, close: () => close(server) });
}
