/**
 * Turns a laid-out document into the three qualities of the corpus: a born-digital PDF (pdf-lib),
 * a scanned PDF (the page rasterised at about 150 dpi, greyscale, speckle noise, a slight rotation,
 * JPEG inside a PDF) and a phone photo (perspective, shadow, blur, JPEG).
 */
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import sharp from 'sharp';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { DrawOp } from './layouts.js';
import type { Random } from './records.js';

const [pageW, pageH] = [612, 792];

/** Draws the operations on one US Letter page and returns the PDF bytes. */
export async function bornDigitalPdf(ops: DrawOp[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    serif: await doc.embedFont(StandardFonts.TimesRoman),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const page = doc.addPage([pageW, pageH]);
  for (const op of ops) {
    if ('rule' in op) {
      const [x1, y1, x2, y2] = op.rule;
      page.drawLine({ start: { x: x1, y: pageH - y1 }, end: { x: x2, y: pageH - y2 }, thickness: 0.7, color: rgb(0.3, 0.3, 0.3) });
    } else page.drawText(op.text, { x: op.x, y: pageH - op.y, size: op.size, font: fonts[op.font] });
  }
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return doc.save();
}

/** Renders page 1 of a PDF to raw greyscale-able RGB pixels at `scale` × 72 dpi. */
async function rasterise(pdf: Uint8Array, scale: number): Promise<{ data: Buffer; width: number; height: number }> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  const page = await doc.getPage(1);
  const viewport = page.getViewport({ scale });
  const factory = (doc as unknown as { canvasFactory: { create(w: number, h: number): { canvas: { toBuffer(t: string): Buffer }; context: unknown } } }).canvasFactory;
  const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
  (context as { fillStyle: string; fillRect(...a: number[]): void }).fillStyle = '#fff';
  (context as { fillRect(...a: number[]): void }).fillRect(0, 0, viewport.width, viewport.height);
  await page.render({ canvasContext: context as never, canvas: canvas as never, viewport }).promise;
  const png = canvas.toBuffer('image/png');
  await doc.destroy();
  const { data, info } = await sharp(png).flatten({ background: '#fff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A scan: ~150 dpi greyscale, a slight rotation, speckle noise and grey paper, as a JPEG in a PDF. */
export async function scannedPdf(born: Uint8Array, r: Random): Promise<Uint8Array> {
  const { data, width, height } = await rasterise(born, 150 / 72);
  for (let i = 0; i < data.length; i += 3) {
    const noise = (r.next() - 0.5) * 50 + (r.next() < 0.002 ? -160 : 0);
    const v = Math.max(0, Math.min(255, data[i]! * 0.92 + 8 + noise));
    data[i] = data[i + 1] = data[i + 2] = v;
  }
  const angle = (r.next() - 0.5) * 3;
  const jpeg = await sharp(data, { raw: { width, height, channels: 3 } }).greyscale().rotate(angle, { background: '#eeeeee' }).blur(0.6).jpeg({ quality: 70 }).toBuffer();
  const doc = await PDFDocument.create();
  const img = await doc.embedJpg(jpeg);
  doc.addPage([pageW, pageH]).drawImage(img, { x: 0, y: 0, width: pageW, height: pageH });
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  return doc.save();
}

/** Solves the 3×3 homography mapping four source corners to four destination corners. */
function homography(src: number[][], dst: number[][]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i]!;
    const [u, v] = dst[i]!;
    a.push([x!, y!, 1, 0, 0, 0, -u! * x!, -u! * y!, u!]);
    a.push([0, 0, 0, x!, y!, 1, -v! * x!, -v! * y!, v!]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k < 9; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return [...a.map((row, i) => row[8]! / row[i]!), 1];
}

/** A phone photo: the page at an angle on a desk, a soft shadow, slight blur, JPEG. */
export async function phonePhoto(born: Uint8Array, r: Random): Promise<Buffer> {
  const src = await rasterise(born, 2.2);
  const [W, H] = [Math.round(src.width * 1.08), Math.round(src.height * 1.06)];
  const j = () => (r.next() - 0.5) * 0.06;
  const dstCorners = [[0.04 + j(), 0.03 + j()], [0.96 + j(), 0.03 + j()], [0.96 + j(), 0.97 + j()], [0.04 + j(), 0.97 + j()]].map(([x, y]) => [x! * W, y! * H]);
  const srcCorners = [[0, 0], [src.width, 0], [src.width, src.height], [0, src.height]];
  const h = homography(dstCorners, srcCorners);
  const out = Buffer.alloc(W * H * 3);
  const desk = [r.int(60, 120), r.int(50, 100), r.int(40, 80)];
  const [sx, sy, depth] = [r.next(), r.next(), 0.25 + r.next() * 0.2];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const w = h[6]! * x + h[7]! * y + h[8]!;
      const u = Math.round((h[0]! * x + h[1]! * y + h[2]!) / w);
      const v = Math.round((h[3]! * x + h[4]! * y + h[5]!) / w);
      const o = (y * W + x) * 3;
      const shade = 1 - depth * Math.max(0, 1 - Math.hypot(x / W - sx, y / H - sy) * 1.6);
      for (let c = 0; c < 3; c++) {
        const base = u >= 0 && v >= 0 && u < src.width && v < src.height ? src.data[(v * src.width + u) * 3 + c]! * 0.95 : desk[c]!;
        out[o + c] = Math.max(0, Math.min(255, base * shade + (r.next() - 0.5) * 14));
      }
    }
  }
  return sharp(out, { raw: { width: W, height: H, channels: 3 } }).blur(0.7 + r.next() * 0.5).jpeg({ quality: 82 }).toBuffer();
}
