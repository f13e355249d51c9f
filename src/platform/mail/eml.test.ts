import { describe, expect, it } from 'vitest';
import { composeEml, mailOptions } from './compose.js';
import { parseEml } from './eml.js';

const delivery = { folder: 'alpha', jobId: '7', ref: 'a'.repeat(32), date: new Date('2025-03-01T10:15:00.000Z') };

describe('the outbox reader', () => {
  it('reads back what nodemailer wrote: headers, non-ASCII subject and body, text beside HTML', async () => {
    const subject = `Señora Pérez, your application for Bärli 🐶 is approved — ${'very '.repeat(20)}good news`;
    const text = `Hello Señora Pérez,\n\n${'Bärli can come home on Saturday. '.repeat(12)}\n\nLine with = sign and trailing space \nBye`;
    const raw = await composeEml(mailOptions({ to: 'ana.perez@example.org', subject, text, html: '<p>Hello <b>Señora</b></p>' }, 'Happy Tails <adopt@example.org>', delivery));
    const eml = await parseEml(raw);
    expect(eml.to).toBe('ana.perez@example.org');
    expect(eml.from).toBe('Happy Tails <adopt@example.org>');
    expect(eml.subject).toBe(subject);
    expect(eml.messageId).toBe(`<${'a'.repeat(32)}@example.org>`);
    expect(eml.text).toBe(text);
    expect(eml.hasHtml).toBe(true);
  });

  it('reads a text-only message', async () => {
    const raw = await composeEml(mailOptions({ to: 'jo@example.org', subject: 'Plain', text: 'Just text.' }, 'Kona <no-reply@localhost>', delivery));
    expect(await parseEml(raw)).toMatchObject({ text: 'Just text.', hasHtml: false });
  });

  it('decodes adjacent encoded words as one string and never makes text out of HTML', async () => {
    const raw = Buffer.from(
      'From: =?UTF-8?Q?Se=C3=B1or?= <a@example.org>\r\nTo: b@example.org\r\nSubject: =?UTF-8?Q?Se=C3=B1or?= =?UTF-8?B?w6Fh?= plain\r\n' +
        'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Only HTML</p>\r\n',
    );
    expect(await parseEml(raw)).toMatchObject({ from: 'Señor <a@example.org>', subject: 'Señoráa plain', text: '', hasHtml: true });
  });
});
