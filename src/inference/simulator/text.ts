/** Deterministic text and vectors for the simulated backend: same input, same output, every run. */
import { createHash } from 'node:crypto';

const LOREM = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

/** Output token number `index`: a lorem word with its leading space (the first has none). */
export function loremToken(index: number): string {
  const word = LOREM[index % LOREM.length]!;
  return index === 0 ? word : ` ${word}`;
}

/** The whole output text of `count` tokens. */
export function loremText(count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += loremToken(i);
  return text;
}

/** Rough token count of a text (about four characters a token, as for English with BPE tokenizers). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Unit vector of `dim` dimensions seeded by the SHA-256 of a text or of bytes (an image's: xorshift32 stream, centred). */
export function embedText(text: string | Uint8Array, dim: number): number[] {
  let state = createHash('sha256').update(text).digest().readUInt32LE(0) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dim; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    raw.push(state / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => v / norm);
}
