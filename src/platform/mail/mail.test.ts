import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../crypto/keyring.js';
import { MailDeliveryError } from './mail.errors.js';
import { openMail, sealMail } from './mail.queue.js';
import { mailMessageSchema, maxMailAttachmentBytes } from './mail.schema.js';
import { parseEml } from './eml.js';
import { createOutboxMailer, outboxFileName, outboxFilePattern, outboxFileTime } from './outbox.js';
import { listOutbox, readOutboxMessage } from './outbox-read.js';

const ring = new KeyRing([{ id: 'k1', key: randomBytes(32) }], randomBytes(32));
const message = { to: 'ann.adopter@example.org', subject: 'Your application for Biscuit', text: 'We would love to meet you.', html: '<p>We would love to meet you.</p>' };

describe('mail messages', () => {
  it('accepts one address and a one-line subject only', () => {
    expect(mailMessageSchema.safeParse(message).success).toBe(true);
    expect(mailMessageSchema.safeParse({ ...message, to: 'not an address' }).success).toBe(false);
    expect(mailMessageSchema.safeParse({ ...message, to: 'a@example.org, b@example.org' }).success).toBe(false);
    expect(mailMessageSchema.safeParse({ ...message, subject: 'Hi\r\nBcc: x@example.org' }).success).toBe(false);
  });

  it('seals every personal field for the jobs table and opens it again', () => {
    const sealed = sealMail(message, ring, new Date('2025-03-01T10:15:00Z'));
    const json = JSON.stringify(sealed);
    for (const value of Object.values(message)) expect(json).not.toContain(value);
    expect(sealed.queuedAt).toBe('2025-03-01T10:15:00.000Z');
    expect(openMail(sealed, ring)).toEqual(message);
  });

  it('seals attachments (name, type and bytes) and opens them byte for byte', () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3000), Buffer.from([0, 255, 10, 13])]);
    const withFile = { ...message, attachments: [{ filename: 'adoption-contract-Biscuit.pdf', contentType: 'application/pdf', content: pdf }] };
    const sealed = sealMail(mailMessageSchema.parse(withFile), ring);
    const json = JSON.stringify(sealed);
    for (const leak of ['adoption-contract-Biscuit.pdf', 'application/pdf', pdf.toString('base64').slice(0, 40)]) expect(json).not.toContain(leak);
    const opened = openMail(JSON.parse(json), ring);
    expect(opened.attachments).toHaveLength(1);
    expect(opened.attachments![0]!.filename).toBe('adoption-contract-Biscuit.pdf');
    expect(Buffer.from(opened.attachments![0]!.content).equals(pdf)).toBe(true);
    expect(openMail(sealMail(message, ring), ring).attachments).toBeUndefined();
  });

  it('limits attachments in number and size and refuses a name with folders or a bad type', () => {
    const file = (o: Partial<{ filename: string; contentType: string; content: Uint8Array }> = {}) => ({ filename: 'a.pdf', contentType: 'application/pdf', content: Buffer.from('x'), ...o });
    const check = (attachments: unknown[]) => mailMessageSchema.safeParse({ ...message, attachments }).success;
    expect(check([file(), file()])).toBe(true);
    expect(check(Array.from({ length: 6 }, () => file()))).toBe(false);
    expect(check([file({ content: Buffer.alloc(maxMailAttachmentBytes) })])).toBe(true);
    expect(check([file({ content: Buffer.alloc(maxMailAttachmentBytes) }), file()])).toBe(false);
    expect(check([file({ filename: '../etc/passwd' })])).toBe(false);
    expect(check([file({ filename: 'a\r\nBcc: x@example.org' })])).toBe(false);
    expect(check([file({ contentType: 'pdf' })])).toBe(false);
    expect(check([file({ content: 'not bytes' as unknown as Uint8Array })])).toBe(false);
  });

  it('keeps the address, its parts and the subject out of a delivery error', () => {
    const smtp = Object.assign(new Error('Can\'t send mail - all recipients were rejected: 550 5.1.1 <ann.adopter@example.org>: user ann.adopter unknown at example.org (re: Your application for Biscuit)'), {
      code: 'EENVELOPE',
      responseCode: 550,
    });
    const text = new MailDeliveryError(smtp, message).message;
    expect(text).toContain('EENVELOPE, SMTP 550');
    for (const leak of ['ann.adopter', 'example.org', 'Biscuit']) expect(text).not.toContain(leak);
  });
});

describe('the outbox', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-outbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const mailer = createOutboxMailer(dir, 'Kona <no-reply@localhost>');
  const delivery = { folder: 'alpha', jobId: '42', ref: 'b'.repeat(32), date: new Date('2025-03-01T10:15:00.000Z') };

  it('names files by queue time and job id, in a pattern nothing else matches', () => {
    const name = outboxFileName(delivery.date, '42');
    expect(name).toBe('20250301T101500.000Z-42.eml');
    expect(outboxFileTime(name)).toEqual(delivery.date);
    for (const bad of ['../20250301T101500.000Z-42.eml', '20250301T101500.000Z-42.eml/..', '20250301T101500.000Z-4x.eml', 'keys.json']) {
      expect(outboxFilePattern.test(bad), bad).toBe(false);
    }
  });

  it('writes one private .eml per job, the same file again on a retry, and lists and reads it', async () => {
    await mailer.send(message, delivery);
    await mailer.send(message, delivery);
    const folder = path.join(dir, 'alpha');
    expect(readdirSync(folder)).toEqual(['20250301T101500.000Z-42.eml']);
    expect(statSync(path.join(folder, '20250301T101500.000Z-42.eml')).mode & 0o777).toBe(0o600);
    const { entries, total } = await listOutbox(dir, 'alpha');
    expect(total).toBe(1);
    expect(entries[0]).toMatchObject({ file: '20250301T101500.000Z-42.eml', to: message.to, subject: message.subject, time: delivery.date });
    expect(await readOutboxMessage(dir, 'alpha', entries[0]!.file)).toMatchObject({ text: message.text, hasHtml: true, from: 'Kona <no-reply@localhost>' });
    expect(await listOutbox(dir, 'beta')).toEqual({ entries: [], total: 0 });
    expect(await mailer.health()).toMatchObject({ ok: true });
  });

  it('writes an attachment into the .eml byte for byte', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(50_000), Buffer.from('\n%%EOF\n')]);
    const attached = { ...delivery, jobId: '99' };
    await mailer.send({ ...message, attachments: [{ filename: 'adoption-contract.pdf', contentType: 'application/pdf', content: pdf }] }, attached);
    const eml = await parseEml(readFileSync(path.join(dir, 'alpha', outboxFileName(attached.date, '99'))));
    expect(eml.text).toBe(message.text);
    expect(eml.attachments.map((a) => [a.filename, a.contentType])).toEqual([['adoption-contract.pdf', 'application/pdf']]);
    expect(eml.attachments[0]!.content.equals(pdf)).toBe(true);
  });

  it('sends in the rescue\'s name from the configured address, with its Reply-To', async () => {
    const named = { ...message, fromName: 'Demo Rescue via Kona', replyTo: 'hello@demo-rescue.example' };
    const sealed = JSON.stringify(sealMail(named, ring));
    expect(sealed).not.toContain('Demo Rescue');
    expect(sealed).not.toContain('demo-rescue.example');
    const opened = openMail(sealMail(named, ring), ring);
    await mailer.send(opened, { ...delivery, jobId: '77' });
    const raw = readFileSync(path.join(dir, 'alpha', outboxFileName(delivery.date, '77')), 'latin1');
    expect(raw).toContain('From: Demo Rescue via Kona <no-reply@localhost>');
    expect(raw).toContain('Reply-To: hello@demo-rescue.example');
    expect(await readOutboxMessage(dir, 'alpha', outboxFileName(delivery.date, '77'))).toMatchObject({ from: 'Demo Rescue via Kona <no-reply@localhost>', replyTo: 'hello@demo-rescue.example' });
  });

  it('refuses a display name or Reply-To that could inject a header', () => {
    expect(mailMessageSchema.safeParse({ ...message, fromName: 'Rescue\r\nBcc: x@example.org' }).success).toBe(false);
    expect(mailMessageSchema.safeParse({ ...message, replyTo: 'a@example.org\r\nBcc: x@example.org' }).success).toBe(false);
    expect(mailMessageSchema.safeParse({ ...message, fromName: 'O\'Brien & "Friends" <via Kona>' }).success).toBe(true);
  });

  it('refuses names outside the pattern and folders that are not slugs', async () => {
    expect(await readOutboxMessage(dir, 'alpha', '../alpha/20250301T101500.000Z-42.eml')).toBeUndefined();
    expect(await readOutboxMessage(dir, 'alpha', '20250301T101500.000Z-43.eml')).toBeUndefined();
    await expect(listOutbox(dir, '..')).rejects.toThrow(/slug/);
    await expect(mailer.send(message, { ...delivery, folder: '../x' })).rejects.toThrow(/slug/);
  });
});
