/**
 * Test helpers for escalation: a real HTTP receiver (webhook / ntfy) that records what it got and
 * answers with a status the test sets, a real SMTP server (smtp-server), a decision factory, a
 * corpus alert loader and a logger that keeps its calls.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { corpusFile } from '../engine/engine.testing.js';
import type { Decision, IncomingAlert } from '../types.js';
import type { EscalationLogger } from './escalator.js';

/** One request the receiver got. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A node:http server on a free loopback port; `status` is what it answers next. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; status: number; close(): Promise<void> }> {
  const state = { received: [] as Received[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(handle.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle = {
    url: `http://127.0.0.1:${port}/hook`,
    received: state.received,
    status: 200,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return handle;
}

/** One mail the SMTP server got. */
export interface ReceivedMail {
  from: string;
  rcptTo: string[];
  raw: string;
}

/** A real SMTP server (no TLS, no auth) on a free loopback port. */
export async function startSmtp(): Promise<{ url: string; received: ReceivedMail[]; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        received.push({ from, rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A decision with test defaults. */
export function testDecision(over: Partial<Decision> = {}): Decision {
  return {
    id: 'd1', deliveryId: '1', fingerprint: 'f1', alertname: 'KubeNodeNotReady', severity: 'critical', status: 'firing', class: 'serious',
    route: 'notify', rule: 'node-not-ready', reasons: ['matched rule node-not-ready'], action: null, mode: 'observe', at: 1_764_000_000_000, ...over,
  };
}

/** The first alert of a corpus file, and a notify decision about it as the engine makes for an unknown alert. */
export function corpusAlert(file: string, at: number): { alert: IncomingAlert; decision: Decision } {
  const body = JSON.parse(corpusFile(file).toString()) as { alerts: IncomingAlert[] };
  const alert = body.alerts[0]!;
  const decision = testDecision({
    id: `d-${alert.fingerprint}`, fingerprint: alert.fingerprint, alertname: alert.labels.alertname ?? '', severity: alert.labels.severity ?? '', class: 'unknown',
    rule: null, reasons: [`No rule matches alertname ${alert.labels.alertname}: unknown alerts always reach a human.`], at,
  });
  return { alert, decision };
}

/** A logger that keeps every call (level, object, message). */
export function recordingLogger(): EscalationLogger & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
