import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness/app.js';
import { engines } from '../../test/harness/databases.js';
import { createLogger } from '../platform/logging/logger.js';
import { parseEml } from '../platform/mail/eml.js';
import { enqueueMail, type MailMessage } from '../platform/mail/index.js';
import { createJobRunner } from './web.js';

interface Received {
  rcptTo: string[];
  raw: Buffer;
}

/** A real SMTP server on a free loopback port that keeps what it receives and rejects `reject-*` recipients as real servers do, quoting the address. */
async function startSmtp(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    secure: false,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject-')) return callback(Object.assign(new Error(`<${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: createLogger('debug', sink), text: () => lines.join('') };
}

async function jobRow(t: TestApp, slug: string, id: string) {
  const db = (await t.rt.ctx.tenants.get(slug))!.db.kysely;
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

const message: MailMessage = {
  to: 'ann.adopter@example.org',
  subject: 'Your application for Biscuit is approved',
  text: 'Dear Ann,\n\nBiscuit can come home with you on Saturday.\n\nHappy Tails',
};

describe.each(engines)('mail.send through a real SMTP server on %s', (engine) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(engine, { KONA_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KONA_MAIL_FROM: 'Happy Tails <adopt@happytails.example>' });
    await t.addTenant('tails');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('queues the message sealed, without plaintext in the jobs table, and once per idempotency key', async () => {
    const db = (await t.rt.ctx.tenants.get('tails'))!.db;
    const first = await enqueueMail(db, t.rt.jobs, t.rt.ctx.secrets.keyRing, message, { idempotencyKey: `approved:${message.to}` });
    const again = await enqueueMail(db, t.rt.jobs, t.rt.ctx.secrets.keyRing, message, { idempotencyKey: `approved:${message.to}` });
    expect(again).toEqual({ id: first.id, created: false });
    const rows = await sql<{ j: string }>`select row_to_json(j)::text as j from jobs j where name = 'mail.send'`.execute(db.kysely);
    const dump = rows.rows.map((r) => r.j).join('\n');
    expect(dump).toContain('v1:');
    for (const secret of ['ann.adopter', 'Biscuit', 'Saturday', 'approved']) expect(dump).not.toContain(secret);
  });

  it('delivers queued mail to the server with the right recipient, subject and body, and logs no personal data', async () => {
    const { logger, text } = capturedLogger();
    const runner = await createJobRunner(t.rt, logger);
    await runner.runOnce();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.rcptTo).toEqual([message.to]);
    const eml = await parseEml(got.raw);
    expect(eml.to).toBe(message.to);
    expect(eml.from).toBe('Happy Tails <adopt@happytails.example>');
    expect(eml.subject).toBe(message.subject);
    expect(eml.text).toBe(message.text);
    expect(eml.messageId).toMatch(/^<[a-f0-9]{32}@happytails\.example>$/);
    const db = (await t.rt.ctx.tenants.get('tails'))!.db.kysely;
    expect(await db.selectFrom('jobs').select('status').where('name', '=', 'mail.send').execute()).toEqual([{ status: 'succeeded' }]);
    expect(text()).toContain('mail delivered');
    for (const secret of ['ann.adopter', 'Biscuit', 'Saturday']) expect(text()).not.toContain(secret);
  });

  it('retries a recipient the server rejects, without the address in last_error or the logs', async () => {
    const db = (await t.rt.ctx.tenants.get('tails'))!.db;
    const rejected = { ...message, to: 'reject-bob.builder@example.org' };
    const { id } = await enqueueMail(db, t.rt.jobs, t.rt.ctx.secrets.keyRing, rejected, { idempotencyKey: 'reject-1' });
    const { logger, text } = capturedLogger();
    await (await createJobRunner(t.rt, logger)).runOnce();
    const row = await jobRow(t, 'tails', id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.last_error).toMatch(/SMTP 550/);
    for (const leak of ['bob.builder', 'example.org', 'Biscuit']) {
      expect(row.last_error).not.toContain(leak);
      expect(text()).not.toContain(leak);
    }
  });
});

describe.each(engines)('mail.send with the SMTP server down on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(engine, { KONA_SMTP_URL: `smtp://127.0.0.1:${await deadPort()}` });
    await t.addTenant('quiet');
  });
  afterAll(() => t?.close());

  it('fails the attempt, queues a retry for later, and keeps the recipient out of last_error', async () => {
    const db = (await t.rt.ctx.tenants.get('quiet'))!.db;
    const { id } = await enqueueMail(db, t.rt.jobs, t.rt.ctx.secrets.keyRing, message, { idempotencyKey: 'down-1' });
    await (await createJobRunner(t.rt, createLogger('silent'))).runOnce();
    const row = await jobRow(t, 'quiet', id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, max_attempts: 20 });
    // Later by at least the first retry delay (1 s), on the database's own clock: no race with the wall.
    expect(row.run_at.getTime() - row.created_at.getTime()).toBeGreaterThanOrEqual(1000);
    expect(row.last_error).toMatch(/^MailDeliveryError: .*ECONNREFUSED/);
    for (const leak of ['ann.adopter', 'example.org', 'Biscuit']) expect(row.last_error).not.toContain(leak);
    expect(await t.rt.ctx.mailer.health()).toMatchObject({ ok: false });
  });
});
