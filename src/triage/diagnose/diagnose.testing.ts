/**
 * Test helpers for the diagnosis tier and the advisor: a tiny OpenAI-compatible server on a free
 * port whose answer each test decides, recording every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Decision } from '../types.js';

/** One request the fake model received. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The raw body as received. */
  raw: string;
  body: { model?: string; messages?: { role: string; content: string }[]; [k: string]: unknown };
}

/** What the fake answers: a chat message content, an HTTP error, or no answer at all. */
export type FakeAnswer = { content: string } | { status: number; body?: string } | { hang: true };

/** A running fake model server. */
export interface FakeModel {
  /** Server root (no /v1). */
  url: string;
  requests: FakeRequest[];
  /** Sets the answer for the next requests. */
  answer(a: FakeAnswer | ((req: FakeRequest) => FakeAnswer)): void;
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and a free port. */
export async function startFakeModel(): Promise<FakeModel> {
  const requests: FakeRequest[] = [];
  let answer: FakeAnswer | ((req: FakeRequest) => FakeAnswer) = { content: 'ok' };
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: FakeRequest['body'] = {};
      try {
        body = JSON.parse(raw) as FakeRequest['body'];
      } catch {
        // Recorded as received; the tests look at `raw`.
      }
      const record: FakeRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      requests.push(record);
      const a = typeof answer === 'function' ? answer(record) : answer;
      if ('hang' in a) {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if ('status' in a) {
        res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? JSON.stringify({ error: { message: 'fake failure', code: 'fake' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: body.model ?? 'fake',
        choices: [{ index: 0, message: { role: 'assistant', content: a.content }, finish_reason: 'stop' }],
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (a) => void (answer = a),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A decision for tests (routine act on a crash-looping pod unless overridden). */
export function testDecision(over: Partial<Decision> = {}): Decision {
  return {
    id: 'd-1', deliveryId: '1', fingerprint: 'a1b2c3d4e5f60718', alertname: 'KubePodCrashLooping', severity: 'warning',
    status: 'firing', class: 'routine', route: 'act', rule: 'crashloop-kona', reasons: ['Matched rule crashloop-kona (routine).'],
    action: { name: 'delete-pod', target: { namespace: 'kona', pod: 'web-7d9f8c6b5-x2k4p' }, execute: false },
    mode: 'observe', at: Date.UTC(2026, 10, 25, 17, 10), ...over,
  };
}
