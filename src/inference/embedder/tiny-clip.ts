/**
 * A generated tiny CLIP-class image model folder, for tests and for trying `kona embedder` without
 * real weights: `config.json`, `preprocessor_config.json` and `onnx/vision_model.onnx`, the layout
 * `@huggingface/transformers` loads as `CLIPVisionModelWithProjection`. The graph is real ONNX that
 * onnxruntime-node runs: pixel_values [n,3,32,32] → Conv (8 filters, 8×8, stride 8) → Relu → Flatten
 * → MatMul → image_embeds [n,dim], with seeded weights, so the same seed writes the same bytes. It
 * tells images apart by their colours and layout; it recognises nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The tiny model's options. */
export interface TinyClipOptions {
  /** Embedding dimension (default 32). */
  dim?: number;
  /** Weights seed (default 17). */
  seed?: number;
}

const IMAGE = 32;
const KERNEL = 8;
const FILTERS = 8;
const CELLS = (IMAGE / KERNEL) ** 2;

/** mulberry32, centred: seeded weights in [-0.5, 0.5). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function floatTensor(name: string, dims: number[], random: () => number, scale: number) {
  const count = dims.reduce((a, b) => a * b, 1);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from({ length: count }, () => random() * scale) };
}

function tensorType(name: string, dims: Array<number | string>) {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/** The ONNX bytes of the tiny vision model. */
export function tinyClipOnnx(opts: TinyClipOptions = {}): Uint8Array {
  const dim = opts.dim ?? 32;
  const random = rng(opts.seed ?? 17);
  const ints = onnx.AttributeProto.AttributeType.INTS;
  const graph = {
    name: 'kona-tiny-clip-vision',
    node: [
      { opType: 'Conv', input: ['pixel_values', 'conv_w', 'conv_b'], output: ['conv'], attribute: [
        { name: 'kernel_shape', type: ints, ints: [KERNEL, KERNEL] },
        { name: 'strides', type: ints, ints: [KERNEL, KERNEL] },
      ] },
      { opType: 'Relu', input: ['conv'], output: ['relu'] },
      { opType: 'Flatten', input: ['relu'], output: ['flat'] },
      { opType: 'MatMul', input: ['flat', 'proj_w'], output: ['image_embeds'] },
    ],
    initializer: [
      floatTensor('conv_w', [FILTERS, 3, KERNEL, KERNEL], random, 0.1),
      floatTensor('conv_b', [FILTERS], random, 0.1),
      floatTensor('proj_w', [FILTERS * CELLS, dim], random, 1),
    ],
    input: [tensorType('pixel_values', ['batch_size', 3, IMAGE, IMAGE])],
    output: [tensorType('image_embeds', ['batch_size', dim])],
  };
  return onnx.ModelProto.encode({
    irVersion: 8, producerName: 'kona', producerVersion: '1', opsetImport: [{ domain: '', version: 17 }], graph,
  }).finish();
}

/** The folder's JSON files: a CLIP vision config and CLIP's own image preprocessing at 32×32. */
export function tinyClipConfigs(dim = 32): { config: object; preprocessor: object } {
  return {
    config: {
      model_type: 'clip_vision_model', architectures: ['CLIPVisionModelWithProjection'],
      image_size: IMAGE, patch_size: KERNEL, num_channels: 3, hidden_size: FILTERS * CELLS, projection_dim: dim,
    },
    preprocessor: {
      image_processor_type: 'CLIPImageProcessor', feature_extractor_type: 'CLIPFeatureExtractor',
      do_resize: true, size: { shortest_edge: IMAGE }, resample: 3,
      do_center_crop: true, crop_size: { height: IMAGE, width: IMAGE },
      do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, do_convert_rgb: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711],
    },
  };
}

/** Writes the folder (created if missing) and returns its path. */
export function writeTinyClipModel(dir: string, opts: TinyClipOptions = {}): string {
  const { config, preprocessor } = tinyClipConfigs(opts.dim ?? 32);
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(path.join(dir, 'preprocessor_config.json'), `${JSON.stringify(preprocessor, null, 2)}\n`);
  writeFileSync(path.join(dir, 'onnx', 'vision_model.onnx'), tinyClipOnnx(opts));
  return dir;
}
