/**
 * Child processes for the added-latency run of bench:dispatcher, so the load generator, the
 * dispatcher and the backend each have their own event loop (as in a deployment), not one shared:
 *
 *   node dist/bench/dispatcher-servers.js instant             an "instant backend": answers at once
 *   node dist/bench/dispatcher-servers.js dispatcher <url>    the real dispatcher over that backend
 *   node dist/bench/dispatcher-servers.js proxy <url>         a bare Node reverse proxy over it: the floor
 *                                                            any Node process in the path adds (one more
 *                                                            loopback hop each way), nothing else
 *
 * Each prints one line `LISTENING <base url>` when ready and exits on SIGTERM. The dispatcher also
 * keeps its own time per request (arrival to answer, less the time at the backend) and, on SIGUSR2,
 * prints `OWN {"count","p50","p99"}` (ms) for the requests since the last SIGUSR2.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { dispatcherConfigSchema } from '../src/inference/config/config.schema.js';
import { startDispatcherServer } from '../src/inference/dispatcher/server.js';
import { percentile } from '../src/inference/scheduler/des.js';

// A fixed, small OpenAI-style answer: what a model server would send for a two-token reply.
const completion = JSON.stringify({
  id: 'chatcmpl-instant', object: 'chat.completion', created: 1_700_000_000, model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
const models = JSON.stringify({ object: 'list', data: [{ id: 'm', object: 'model', owned_by: 'bench' }] });

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The instant backend: reads the request body, answers at once; no model, no timing. */
function instant(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/v1/chat/completions') answer(res, 200, completion);
    else if (req.method === 'GET' && req.url === '/health') answer(res, 200, '{"status":"ok"}');
    else if (req.method === 'GET' && req.url === '/v1/models') answer(res, 200, models);
    else answer(res, 404, '{"error":{"message":"not found"}}');
  });
}

async function main(): Promise<void> {
  const [role, backendUrl] = process.argv.slice(2);
  if (role === 'instant') {
    const server = createServer({ keepAliveTimeout: 60_000 }, instant);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
    process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
    return;
  }
  if (role === 'proxy' && backendUrl) {
    // The least a process in the path can do: read the request, send it on over a kept-alive
    // connection, send the answer back. No parsing, no scheduling, no metrics.
    const upstream = new URL(backendUrl);
    const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
    const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const answer = Buffer.concat(parts);
            res.writeHead(up.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': answer.length });
            res.end(answer);
          });
        });
        out.on('error', () => { res.writeHead(502); res.end(); });
        out.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.once('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
    process.stdout.write(`LISTENING http://127.0.0.1:${port}\n`);
    return;
  }
  if (role === 'dispatcher' && backendUrl) {
    const config = dispatcherConfigSchema.parse({
      // Slots well above the offered concurrency: this run measures the dispatcher's own cost, not queueing.
      backends: [{ name: 'instant', baseUrl: backendUrl, kind: 'openai', tier: 'dedicated', models: ['m'], slots: 256 }],
    });
    let own: number[] = [];
    const running = await startDispatcherServer({ config, dispatcher: { monitor: false }, defaultMetrics: false, onOwnTime: (ms) => own.push(ms) });
    process.on('SIGUSR2', () => {
      const r3 = (n: number): number => Math.round(n * 1000) / 1000;
      process.stdout.write(`OWN ${JSON.stringify({ count: own.length, p50: r3(percentile(own, 50)), p99: r3(percentile(own, 99)) })}\n`);
      own = [];
    });
    process.once('SIGTERM', () => void running.close().finally(() => process.exit(0)));
    process.stdout.write(`LISTENING ${running.url}\n`);
    return;
  }
  throw new Error('usage: dispatcher-servers.js instant | dispatcher <backend url> | proxy <backend url>');
}

await main();
