/** Helpers for the embedder's tests (not a test file itself): a tiny model folder in a temp dir, and test images. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeTinyClipModel, type TinyClipOptions } from './tiny-clip.js';

/** Writes a tiny model folder named `name` in a fresh temp dir; `remove()` deletes the temp dir. */
export function tinyModelDir(name = 'kona-tiny-clip', opts: TinyClipOptions = {}): { dir: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), 'kona-embedder-'));
  const dir = writeTinyClipModel(path.join(root, name), opts);
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** A small test photo: a background colour with a block of another colour at a place (JPEG or PNG). */
export function testImage(opts: { background: string; block: string; left: number; top: number; format?: 'jpeg' | 'png'; width?: number }): Promise<Buffer> {
  const width = opts.width ?? 96;
  const block = { input: { create: { width: Math.round(width / 3), height: Math.round(width / 3), channels: 3 as const, background: opts.block } }, left: opts.left, top: opts.top };
  const image = sharp({ create: { width, height: Math.round(width * 0.75), channels: 3, background: opts.background } }).composite([block]);
  return (opts.format === 'png' ? image.png() : image.jpeg({ quality: 90 })).toBuffer();
}

/** Cosine similarity of two vectors. */
export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
