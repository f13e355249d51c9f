import { describe, expect, it } from 'vitest';
import { CHATML_TEMPLATE, tinyModelGguf, tinyVocabulary } from './tiny-model.js';
import { writeGguf } from './gguf.js';

/** Reads a GGUF header's counts and first key back (enough to show the layout is GGUF v3). */
function header(buf: Buffer) {
  const keyLength = Number(buf.readBigUInt64LE(24));
  return {
    magic: buf.subarray(0, 4).toString('ascii'),
    version: buf.readUInt32LE(4),
    tensors: Number(buf.readBigUInt64LE(8)),
    keys: Number(buf.readBigUInt64LE(16)),
    firstKey: buf.subarray(32, 32 + keyLength).toString('utf8'),
  };
}

describe('tiny GGUF model', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = tinyModelGguf({ seed: 1 });
    expect(tinyModelGguf({ seed: 1 }).equals(a)).toBe(true);
    expect(tinyModelGguf({ seed: 2 }).equals(a)).toBe(false);
  });

  it('writes a GGUF v3 llama model with its tokenizer and chat template, small enough to generate per run', () => {
    const buf = tinyModelGguf();
    expect(header(buf)).toEqual({ magic: 'GGUF', version: 3, tensors: 2 + 2 * 9 + 1, keys: 23, firstKey: 'general.architecture' });
    expect(buf.length).toBeLessThan(2_000_000);
    const text = buf.toString('latin1');
    for (const key of ['tokenizer.ggml.model', 'tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.chat_template']) expect(text).toContain(key);
    expect(text).toContain(CHATML_TEMPLATE);
  });

  it('has a byte fallback for every byte and the ChatML control tokens', () => {
    const { tokens, types, scores } = tinyVocabulary();
    expect(types.filter((t) => t === 6)).toHaveLength(256);
    expect(tokens).toContain('<0xFF>');
    expect(types[tokens.indexOf('<|im_end|>')]).toBe(3);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(scores).toHaveLength(tokens.length);
  });

  it('aligns tensor data to 32 bytes and refuses dims that do not match the data', () => {
    const buf = writeGguf({ 'general.architecture': { type: 'string', value: 'llama' } }, [{ name: 't', dims: [3], data: new Float32Array([1, 2, 3]) }]);
    expect(buf.length % 32).toBe(0);
    expect(buf.readFloatLE(buf.length - 32)).toBe(1);
    expect(() => writeGguf({}, [{ name: 'bad', dims: [2, 2], data: new Float32Array(3) }])).toThrow(/bad: dims 2x2 do not match 3 values/);
  });
});
