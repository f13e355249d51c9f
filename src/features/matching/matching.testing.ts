/** Synthetic test photos for matching: seeded shape pictures ("dogs") and the edits a photo may suffer. */
import sharp from 'sharp';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

/** A 480×360 PNG of coloured shapes on a coloured ground, the same for the same seed. */
export async function syntheticPhoto(seed: number, size = { width: 480, height: 360 }): Promise<Buffer> {
  const r = xorshift(seed * 2654435761);
  const { width: w, height: h } = size;
  const colour = () => `rgb(${Math.floor(r() * 255)},${Math.floor(r() * 255)},${Math.floor(r() * 255)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 12; i++) {
    shapes.push(r() < 0.5
      ? `<circle cx="${r() * w}" cy="${r() * h}" r="${10 + r() * 80}" fill="${colour()}"/>`
      : `<rect x="${r() * w}" y="${r() * h}" width="${20 + r() * 150}" height="${20 + r() * 150}" fill="${colour()}" transform="rotate(${r() * 90} ${w / 2} ${h / 2})"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="${colour()}"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The edits a photo of the same dog may have gone through, by name (each keeps most of the picture). */
export const photoEdits: Record<string, (b: Buffer) => Promise<Buffer>> = {
  crop: async (b) => { const m = await sharp(b).metadata(); return sharp(b).extract({ left: Math.round(m.width! * 0.08), top: Math.round(m.height! * 0.08), width: Math.round(m.width! * 0.84), height: Math.round(m.height! * 0.84) }).toBuffer(); },
  flip: (b) => sharp(b).flop().toBuffer(),
  light: (b) => sharp(b).modulate({ brightness: 1.3 }).toBuffer(),
  dark: (b) => sharp(b).modulate({ brightness: 0.7 }).linear(1.2, -10).toBuffer(),
  colour: (b) => sharp(b).modulate({ saturation: 0.6, hue: 20 }).toBuffer(),
  blur: (b) => sharp(b).blur(3).toBuffer(),
  jpeg: (b) => sharp(b).jpeg({ quality: 25 }).toBuffer(),
  combined: async (b) => { const m = await sharp(b).metadata(); return sharp(b).flop().extract({ left: Math.round(m.width! * 0.05), top: Math.round(m.height! * 0.03), width: Math.round(m.width! * 0.88), height: Math.round(m.height! * 0.9) }).modulate({ brightness: 0.85 }).blur(1.5).jpeg({ quality: 50 }).toBuffer(); },
};

/** Cosine similarity of two unit vectors. */
export const cosine = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
