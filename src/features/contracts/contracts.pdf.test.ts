import { createHash } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { buildContractPdf, utcStamp, wrap } from './contracts.pdf.js';
import { contractFee, defaultContractTemplate, renderContract, templateProblems, type ContractValues } from './contracts.template.js';

const values: ContractValues = {
  dog_name: 'Biscuit', dog_microchip: '985112003456789', dog_breed: 'Collie', dog_sex: 'female',
  adopter_name: 'Zoë Łukasiewicz', adopter_address: '1 Long Road, Town', adopter_email: 'zoe@example.org', adopter_phone: '0123',
  fee: '250.00', rescue_name: 'Happy Tails', date: '2026-11-25',
};
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('contract templates', () => {
  it('accepts the default template and fills every placeholder', () => {
    expect(templateProblems(defaultContractTemplate)).toEqual([]);
    const text = renderContract(defaultContractTemplate, values);
    expect(text).not.toMatch(/\{\{|\}\}/);
    for (const v of ['Biscuit', '985112003456789', 'Zoë Łukasiewicz', '1 Long Road, Town', '250.00', 'Happy Tails', '2026-11-25']) expect(text).toContain(v);
  });

  it('refuses unknown placeholders and stray braces, naming them', () => {
    expect(templateProblems('Hello {{ adopter_name }}, {{dog_nmae}} and {{owner}} {{dog_nmae}}')).toEqual([
      'uses unknown placeholders: {{dog_nmae}}, {{owner}}. Use only the placeholders listed below.',
    ]);
    expect(templateProblems('Dear {{adopter_name}')[0]).toContain('not part of a placeholder');
    expect(templateProblems('{{constructor}}')[0]).toContain('{{constructor}}');
    expect(() => renderContract('{{nope}}', values)).toThrow(/unknown placeholder/);
  });

  it('writes fees as money, no fee, or as agreed', () => {
    expect([contractFee(25000), contractFee(7505), contractFee(0), contractFee(null)]).toEqual(['250.00', '75.05', 'No fee', 'As agreed with the rescue']);
  });
});

describe('contract PDF', () => {
  const base = { rescueName: 'Happy Tails', dogName: 'Biscuit', signedAt: new Date('2026-11-25T14:03:04.567Z'), ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0 (Test)' };

  it('records the hash, time and method in its metadata and spans pages for long text', async () => {
    const text = `${renderContract(defaultContractTemplate, values)}\n${'Clause with many words that must wrap across the width of the page. '.repeat(400)}`;
    const bytes = await buildContractPdf({ ...base, text, textSha256: sha(text), signature: { kind: 'typed', typedName: 'Zoë Łukasiewicz' } });
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBeGreaterThan(3);
    expect(doc.getKeywords()).toContain(`sha256:${sha(text)}`);
    expect(doc.getKeywords()).toContain('signed:2026-11-25T14:03:04.567Z');
    expect(doc.getKeywords()).toContain('method:typed');
    expect(doc.getSubject()).toContain('2026-11-25 14:03:04 UTC');
    expect(doc.getTitle()).toBe('Adoption agreement: Biscuit');
  });

  it('embeds a drawn signature as an image', async () => {
    const png = await sharp({ create: { width: 300, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } }).png().toBuffer();
    const text = 'Short contract.';
    const bytes = await buildContractPdf({ ...base, text, textSha256: sha(text), signature: { kind: 'drawn', png, typedName: 'Sam Signer' } });
    const raw = Buffer.from(bytes).toString('latin1');
    expect(raw).toMatch(/\/Subtype \/Image/);
    expect((await PDFDocument.load(bytes)).getKeywords()).toContain('method:drawn');
  });

  it('wraps at the width and breaks words longer than a line', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const lines = wrap(`short words here ${'x'.repeat(300)} end`, font, 11, 200);
    for (const l of lines) expect(font.widthOfTextAtSize(l, 11)).toBeLessThanOrEqual(200);
    expect(lines.join('').replace(/ /g, '')).toBe(`shortwordshere${'x'.repeat(300)}end`);
    expect(utcStamp(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05 UTC');
  });
});
