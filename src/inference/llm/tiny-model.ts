/**
 * A deterministic tiny llama-architecture GGUF for tests and demos: seeded random weights, a
 * SentencePiece-style ("llama") vocabulary of the printable ASCII characters plus the 256 byte
 * fallback tokens (so any text tokenizes), ChatML control tokens and a ChatML chat template. It says
 * nothing sensible; it exists so that a real engine (llama.cpp through node-llama-cpp) loads, decodes
 * and samples under a JSON-schema grammar in tests, on a CPU, in well under a second.
 */
import { writeGguf, type GgufTensor, type GgufValue } from './gguf.js';

/** The tiny model's shape (defaults: 2 layers, 64 wide, 4 heads, 2,048 tokens of context). */
export interface TinyModelOptions {
  seed?: number;
  embedding?: number;
  layers?: number;
  heads?: number;
  feedForward?: number;
  contextLength?: number;
  /**
   * Leaning towards JSON's closers (`"`, `]`, `}`), as a weight on the bias input (0, the default,
   * leaves the model as it always was). A random model otherwise writes every string to its
   * schema's maximum, and a long schema's answer outgrows a feature's token budget; with a lean its
   * grammar-constrained answers end early, as a real model's would.
   */
  closers?: number;
}

/** ChatML, as Qwen and many others ship it; node-llama-cpp recognises it and picks its ChatML wrapper. */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** mulberry32: a small seeded PRNG, so the same seed writes the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The vocabulary: tokens, scores and types (1 normal, 2 unknown, 3 control, 6 byte). */
export function tinyVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens: string[] = [];
  const types: number[] = [];
  const add = (t: string, type: number) => { tokens.push(t); types.push(type); };
  add('<unk>', 2);
  add('<s>', 3);
  add('</s>', 3);
  add('<|im_start|>', 3);
  add('<|im_end|>', 3);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 6);
  add('\u2581', 1); // SentencePiece's space
  for (let c = 0x21; c <= 0x7e; c++) add(String.fromCharCode(c), 1);
  // Single characters only: SentencePiece merges nothing, so scores only need to be present.
  return { tokens, scores: tokens.map(() => 0), types };
}

/** A string's closing quote gets the whole lean, an array's or object's closer a third of it. */
function closerLean(token: string, lean: number): number {
  if (token === '"') return lean;
  return token === ']' || token === '}' ? lean / 3 : 0;
}

/** Writes the tiny model's GGUF bytes (deterministic for a given seed and shape). */
export function tinyModelGguf(opts: TinyModelOptions = {}): Buffer {
  const seed = opts.seed ?? 16;
  const nEmbd = opts.embedding ?? 64;
  const nLayer = opts.layers ?? 2;
  const nHead = opts.heads ?? 4;
  const nFf = opts.feedForward ?? 128;
  const nCtx = opts.contextLength ?? 2048;
  if (nEmbd % nHead !== 0) throw new Error('embedding must be a multiple of heads');
  const vocab = tinyVocabulary();
  const nVocab = vocab.tokens.length;
  const random = rng(seed);
  // Box-Muller normals, scaled like a freshly initialised transformer (std 0.02 … 0.5).
  const normal = (std: number) => std * Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const matrix = (name: string, cols: number, rows: number, std: number): GgufTensor => {
    const data = new Float32Array(cols * rows);
    for (let i = 0; i < data.length; i++) data[i] = normal(std);
    return { name, dims: [cols, rows], data };
  };
  const ones = (name: string): GgufTensor => ({ name, dims: [nEmbd], data: new Float32Array(nEmbd).fill(1) });

  // Dimension 0 of every embedding is a large constant that the small layers barely move, so after
  // the final norm it acts as a bias input: output rows weigh it to keep the model away from tokens
  // that would make invalid UTF-8 or control noise (byte tokens, <unk>, <s>) and to end turns now and then.
  const embd = matrix('token_embd.weight', nEmbd, nVocab, 0.5);
  for (let t = 0; t < nVocab; t++) embd.data[t * nEmbd] = 10;
  const output = matrix('output.weight', nEmbd, nVocab, 0.5);
  for (let t = 0; t < nVocab; t++) {
    const token = vocab.tokens[t]!;
    const type = vocab.types[t]!;
    const banned = (type === 6 && token !== '<0x0A>') || type === 2 || (type === 3 && token !== '<|im_end|>');
    output.data[t * nEmbd] = banned ? -5 : token === '<|im_end|>' ? 0.3 : closerLean(token, opts.closers ?? 0);
  }
  const tensors: GgufTensor[] = [embd];
  for (let l = 0; l < nLayer; l++) {
    const p = `blk.${l}`;
    tensors.push(
      ones(`${p}.attn_norm.weight`),
      matrix(`${p}.attn_q.weight`, nEmbd, nEmbd, 0.1),
      matrix(`${p}.attn_k.weight`, nEmbd, nEmbd, 0.1),
      matrix(`${p}.attn_v.weight`, nEmbd, nEmbd, 0.1),
      matrix(`${p}.attn_output.weight`, nEmbd, nEmbd, 0.1),
      ones(`${p}.ffn_norm.weight`),
      matrix(`${p}.ffn_gate.weight`, nEmbd, nFf, 0.1),
      matrix(`${p}.ffn_up.weight`, nEmbd, nFf, 0.1),
      matrix(`${p}.ffn_down.weight`, nFf, nEmbd, 0.1),
    );
  }
  tensors.push(ones('output_norm.weight'), output);

  const im = (t: string) => vocab.tokens.indexOf(t);
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: `kona-tiny-${seed}` },
    'general.file_type': { type: 'u32', value: 0 }, // all F32
    'llama.context_length': { type: 'u32', value: nCtx },
    'llama.embedding_length': { type: 'u32', value: nEmbd },
    'llama.block_count': { type: 'u32', value: nLayer },
    'llama.feed_forward_length': { type: 'u32', value: nFf },
    'llama.attention.head_count': { type: 'u32', value: nHead },
    'llama.attention.head_count_kv': { type: 'u32', value: nHead },
    'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
    'llama.rope.dimension_count': { type: 'u32', value: nEmbd / nHead },
    'llama.rope.freq_base': { type: 'f32', value: 10000 },
    'llama.vocab_size': { type: 'u32', value: nVocab },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: vocab.tokens },
    'tokenizer.ggml.scores': { type: 'f32[]', value: vocab.scores },
    'tokenizer.ggml.token_type': { type: 'i32[]', value: vocab.types },
    'tokenizer.ggml.unknown_token_id': { type: 'u32', value: im('<unk>') },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: im('<s>') },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: im('<|im_end|>') },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
    'tokenizer.chat_template': { type: 'string', value: CHATML_TEMPLATE },
  };
  return writeGguf(metadata, tensors);
}
