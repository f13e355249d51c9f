import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

/** How the adopter signed: a drawing (PNG bytes) or, without one, their typed name. */
export type ContractSignature = { kind: 'drawn'; png: Uint8Array; typedName: string } | { kind: 'typed'; typedName: string };

/** Everything the signed PDF records. */
export interface SignedContractPdf {
  rescueName: string;
  dogName: string;
  /** The contract text exactly as signed. */
  text: string;
  /** sha256 (hex) of that text's UTF-8 bytes. */
  textSha256: string;
  signature: ContractSignature;
  signedAt: Date;
  ipAddress: string;
  userAgent: string;
}

const pageSize: [number, number] = [595.28, 841.89]; // A4 in points
const margin = 56;
const bodySize = 11;
const lineGap = 4;

/** The time as the PDF states it: ISO 8601 in UTC, to the second. */
export function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Builds the signed contract's PDF: the text (wrapped, over as many pages as it needs) and the signature record. */
export async function buildContractPdf(input: SignedContractPdf): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = {
    body: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    italic: await doc.embedFont(StandardFonts.HelveticaOblique),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const writer = new PageWriter(doc, fonts.body);
  writer.paragraphs(input.text, fonts.body, bodySize);
  await signatureBlock(doc, writer, fonts, input);
  writer.numberPages(fonts.body);
  setMetadata(doc, input);
  return doc.save();
}

function setMetadata(doc: PDFDocument, input: SignedContractPdf): void {
  doc.setTitle(`Adoption agreement: ${input.dogName}`);
  doc.setAuthor(input.rescueName);
  doc.setSubject(`Signed ${utcStamp(input.signedAt)}; sha256 of the signed text ${input.textSha256}`);
  doc.setKeywords([`sha256:${input.textSha256}`, `signed:${input.signedAt.toISOString()}`, `method:${input.signature.kind}`]);
  doc.setCreator('Kona');
  doc.setProducer('Kona (pdf-lib)');
  doc.setCreationDate(input.signedAt);
  doc.setModificationDate(input.signedAt);
}

async function signatureBlock(doc: PDFDocument, w: PageWriter, fonts: Record<'body' | 'bold' | 'italic' | 'mono', PDFFont>, input: SignedContractPdf) {
  w.space(bodySize * 2);
  w.ensure(200);
  w.line('Signature', fonts.bold, 13);
  w.space(6);
  if (input.signature.kind === 'drawn') {
    const png = await doc.embedPng(input.signature.png);
    const size = png.scaleToFit(240, 90);
    w.ensure(size.height + 8);
    w.page.drawRectangle({ x: margin, y: w.y - size.height - 4, width: size.width + 8, height: size.height + 8, borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.5 });
    w.page.drawImage(png, { x: margin + 4, y: w.y - size.height, width: size.width, height: size.height });
    w.space(size.height + 12);
    w.line(`Drawn on screen by ${input.signature.typedName}`, fonts.body, 10);
  } else {
    w.line(input.signature.typedName, fonts.italic, 18);
    w.line('Signed by typing their full name and confirming "I agree".', fonts.body, 10);
  }
  w.space(8);
  const facts: [string, string][] = [
    ['Signed at', utcStamp(input.signedAt)],
    ['IP address', input.ipAddress],
    ['User agent', input.userAgent || '(none sent)'],
  ];
  for (const [label, value] of facts) w.paragraphs(`${label}: ${value}`, fonts.body, 10);
  w.paragraphs('SHA-256 of the signed contract text (UTF-8):', fonts.body, 10);
  w.line(input.textSha256, fonts.mono, 9);
}

/** Writes lines top to bottom, starting a new page when one is full. */
class PageWriter {
  page: PDFPage;
  y: number;
  private readonly supported: Set<number>;

  constructor(private readonly doc: PDFDocument, font: PDFFont) {
    this.page = doc.addPage(pageSize);
    this.y = pageSize[1] - margin;
    // The standard fonts share the WinAnsi character set.
    this.supported = new Set(font.getCharacterSet());
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.y - height >= margin + 20) return;
    this.page = this.doc.addPage(pageSize);
    this.y = pageSize[1] - margin;
  }

  space(points: number): void {
    this.y -= points;
  }

  /** One line of text (no wrapping). */
  line(text: string, font: PDFFont, size: number): void {
    this.ensure(size + lineGap);
    this.y -= size;
    this.page.drawText(this.printable(text), { x: margin, y: this.y, size, font, color: rgb(0, 0, 0) });
    this.y -= lineGap;
  }

  /** Text with line breaks, each paragraph wrapped to the page width; blank lines kept. */
  paragraphs(text: string, font: PDFFont, size: number): void {
    const width = pageSize[0] - 2 * margin;
    for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
      const lines = wrap(this.printable(paragraph), font, size, width);
      if (lines.length === 0) this.space(size + lineGap);
      for (const l of lines) this.line(l, font, size);
    }
  }

  /** "Page n of m" at the foot of every page. */
  numberPages(font: PDFFont): void {
    const pages = this.doc.getPages();
    pages.forEach((p, i) => p.drawText(`Page ${i + 1} of ${pages.length}`, { x: margin, y: margin / 2, size: 8, font, color: rgb(0.4, 0.4, 0.4) }));
  }

  // Standard fonts cannot draw every character: accents are dropped where that helps, else '?'.
  // The hash covers the exact text, so what the PDF shows never changes what was signed.
  private printable(text: string): string {
    let out = '';
    for (const ch of text.replace(/\t/g, '    ')) {
      if (this.supported.has(ch.codePointAt(0)!)) out += ch;
      else {
        const plain = ch.normalize('NFKD').replace(/\p{M}/gu, '');
        out += [...plain].every((c) => this.supported.has(c.codePointAt(0)!)) && plain ? plain : '?';
      }
    }
    return out;
  }
}

/** Splits a paragraph into lines no wider than `width`; a word longer than a line is broken. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  for (const word of text.split(/ +/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (fits(candidate)) {
      current = candidate;
      continue;
    }
    if (current) lines.push(current);
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  if (current) lines.push(current);
  return lines;
}
