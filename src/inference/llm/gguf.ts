/**
 * A minimal GGUF (v3) writer: metadata key/values and F32 tensors, enough to write a tiny model that
 * llama.cpp loads. Written in TypeScript rather than with Python's `gguf` package so that tests and
 * CI need no Python, pip or numpy: the format is a header, the key/values, the tensor table and the
 * aligned tensor data (ggml/docs/gguf.md).
 */

/** A metadata value: its GGUF type is chosen from the tag. */
export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'f32[]'; value: number[] }
  | { type: 'i32[]'; value: number[] };

/** A tensor: `dims` innermost first (ggml's ne[0] is the row length), data in F32. */
export interface GgufTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

const T = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const ALIGNMENT = 32;

/** Grows a byte buffer as values are appended (little-endian throughout, as GGUF is). */
class ByteWriter {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(n: number) {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number) { this.ensure(4); this.buf.writeUInt32LE(v, this.length); this.length += 4; }
  i32(v: number) { this.ensure(4); this.buf.writeInt32LE(v, this.length); this.length += 4; }
  u64(v: number) { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.length); this.length += 8; }
  f32(v: number) { this.ensure(4); this.buf.writeFloatLE(v, this.length); this.length += 4; }
  u8(v: number) { this.ensure(1); this.buf.writeUInt8(v, this.length); this.length += 1; }
  str(s: string) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.bytes(b); }
  bytes(b: Uint8Array) { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  pad(to: number) { while (this.length % to !== 0) this.u8(0); }
  done(): Buffer { return this.buf.subarray(0, this.length); }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  switch (v.type) {
    case 'u32': w.u32(T.u32); w.u32(v.value); break;
    case 'i32': w.u32(T.i32); w.i32(v.value); break;
    case 'f32': w.u32(T.f32); w.f32(v.value); break;
    case 'bool': w.u32(T.bool); w.u8(v.value ? 1 : 0); break;
    case 'string': w.u32(T.string); w.str(v.value); break;
    case 'string[]': w.u32(T.array); w.u32(T.string); w.u64(v.value.length); for (const s of v.value) w.str(s); break;
    case 'f32[]': w.u32(T.array); w.u32(T.f32); w.u64(v.value.length); for (const x of v.value) w.f32(x); break;
    case 'i32[]': w.u32(T.array); w.u32(T.i32); w.u64(v.value.length); for (const x of v.value) w.i32(x); break;
  }
}

/** Serialises a GGUF v3 file. */
export function writeGguf(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
  const w = new ByteWriter();
  w.bytes(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    w.str(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`tensor ${t.name}: dims ${t.dims.join('x')} do not match ${t.data.length} values`);
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offset += Math.ceil((count * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.pad(ALIGNMENT);
  for (const t of tensors) {
    w.bytes(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad(ALIGNMENT);
  }
  return w.done();
}
