/**
 * A photo's dominant colours in words, for alt text's simpler path: the image shrunk to 16×16 with
 * sharp, each pixel named by the nearest of a small palette, the two commonest names kept.
 */
import sharp from 'sharp';

const palette: Array<[string, number, number, number]> = [
  ['black', 20, 20, 20], ['white', 240, 240, 240], ['grey', 128, 128, 128], ['brown', 120, 72, 40],
  ['tan', 205, 170, 125], ['cream', 245, 230, 200], ['red', 190, 40, 40], ['orange', 230, 130, 40],
  ['yellow', 230, 210, 60], ['green', 70, 140, 60], ['blue', 60, 100, 190], ['pink', 230, 150, 170],
];

function nearest(r: number, g: number, b: number): string {
  let best = palette[0]!;
  let bestD = Infinity;
  for (const c of palette) {
    const d = (c[1] - r) ** 2 + (c[2] - g) ** 2 + (c[3] - b) ** 2;
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best[0];
}

/** The two commonest colour names in an image (one when a single colour covers most of it). */
export async function dominantColours(image: Buffer): Promise<string[]> {
  const { data, info } = await sharp(image).resize(16, 16, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const counts = new Map<string, number>();
  for (let i = 0; i < data.length; i += info.channels) {
    const name = nearest(data[i]!, data[i + 1]!, data[i + 2]!);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = info.width * info.height;
  return ranked.filter(([, n], i) => i === 0 || (i === 1 && n >= total * 0.15)).map(([name]) => name);
}
