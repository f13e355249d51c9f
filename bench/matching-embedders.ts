/**
 * The embedders bench:matching evaluates, each with how to embed a batch for the throughput figure:
 * - the deterministic descriptor (in-process, one image at a time, as the embedding job runs it);
 * - the generated tiny CLIP folder served by `kona embedder`'s server code behind a real dispatcher
 *   (backend kind `embedder`, batch class), reached the way Kona reaches it (`dispatcherEmbedders`);
 * - the simulator's image embeddings behind a real dispatcher: vectors derived from the bytes, so its
 *   quality row is a protocol check, not a quality figure;
 * - an operator's CLIP folder (BENCH_MATCHING_CLIP_DIR), served the same way as the tiny one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { descriptorEmbedder, dispatcherEmbedders, type ImageEmbedder } from '../src/features/matching/matching.public.js';
import { DispatcherClient } from '../src/inference/client.js';
import { startDispatcherServer, type RunningDispatcher } from '../src/inference/dispatcher/server.js';
import { backendsFor, startFleet } from '../src/inference/dispatcher/dispatcher.testing.js';
import { startEmbedderServer, type RunningEmbedder } from '../src/inference/embedder/server.js';
import { writeTinyClipModel } from '../src/inference/embedder/tiny-clip.js';
import { ManualClock } from '../src/platform/clock/clock.testing.js';

/** One embedder under evaluation. */
export interface BenchEmbedder {
  /** Short name in the output: descriptor, tiny-clip, simulator, operator-clip. */
  name: string;
  embedder: ImageEmbedder;
  /** What the quality row means for this embedder. */
  note: string;
  /** Images per call in the throughput figure. */
  batchSize: number;
  /** Embeds `images` in one call (a model: one `/v1/embeddings` request through the dispatcher). */
  embedBatch(images: Buffer[]): Promise<number[][]>;
  close(): Promise<void>;
}

/** The descriptor: in-process, batch size 1. */
export function descriptorBench(): BenchEmbedder {
  return {
    name: 'descriptor', embedder: descriptorEmbedder, note: 'the deterministic fallback (sharp), in-process', batchSize: 1,
    embedBatch: (images) => Promise.all(images.map((b) => descriptorEmbedder.embed(b))), close: async () => {},
  };
}

/** A dispatcher over one backend entry, on a test clock so that no limit runs out on a loaded machine. */
async function dispatcherOver(backend: Record<string, unknown>): Promise<{ dispatcher: RunningDispatcher; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-bench-embed-'));
  const configFile = path.join(dir, 'dispatcher.json');
  writeFileSync(configFile, JSON.stringify({
    backends: [backend], probe: { intervalMs: 2000, timeoutMs: 1000 }, reserve: { drafting: 0, batch: 0 },
    timeouts: { firstTokenMs: 120_000, responseMs: 120_000, streamIdleMs: 120_000 },
  }));
  const clock = new ManualClock(1_000);
  try {
    const dispatcher = await startDispatcherServer({ configFile, defaultMetrics: false, dispatcher: { monitor: false, clock } });
    return {
      dispatcher,
      async close() {
        const closing = dispatcher.close();
        clock.advance(0); // the close grace runs on the dispatcher's clock
        await closing;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The embedder Kona uses for `modelId` behind `dispatcherUrl`, and a batch call through the same client. */
function throughDispatcher(dispatcherUrl: string, modelId: string, batchSize: number) {
  const client = new DispatcherClient({ baseUrl: dispatcherUrl });
  const embedder = dispatcherEmbedders(() => client)(modelId);
  const embedBatch = async (images: Buffer[]) => (await client.embedImages(images, { model: modelId, priority: 'batch' })).vectors;
  return { embedder, embedBatch, batchSize };
}

/** Serves a CLIP folder with `kona embedder`'s server (one onnxruntime thread) behind a dispatcher. */
export async function clipBench(name: string, modelDir: string, modelId: string, note: string, batchSize: number, cleanup = () => {}): Promise<BenchEmbedder> {
  let server: RunningEmbedder | undefined;
  try {
    server = await startEmbedderServer({ modelDir, modelName: modelId, threads: 1 });
    const fleet = await dispatcherOver({ name: 'clip', baseUrl: server.url, kind: 'embedder', tier: 'dedicated', models: [modelId], slots: 1 });
    const running = server;
    return {
      name, note, ...throughDispatcher(fleet.dispatcher.url, modelId, batchSize),
      async close() {
        await fleet.close();
        await running.close();
        cleanup();
      },
    };
  } catch (err) {
    await server?.close();
    cleanup();
    throw err;
  }
}

/** The generated tiny CLIP folder (real ONNX through onnxruntime-node; it recognises nothing, it tells colours and layouts apart). */
export function tinyClipBench(batchSize: number): Promise<BenchEmbedder> {
  const root = mkdtempSync(path.join(tmpdir(), 'kona-bench-clip-'));
  const dir = writeTinyClipModel(path.join(root, 'kona-tiny-clip'), { dim: 64 });
  return clipBench('tiny-clip', dir, 'kona-tiny-clip', 'the generated tiny CLIP graph served by kona embedder: checks the model path end to end; its weights are random', batchSize,
    () => rmSync(root, { recursive: true, force: true }));
}

/** The simulator's image embeddings behind a real dispatcher. */
export async function simulatorBench(batchSize: number): Promise<BenchEmbedder> {
  const fleet = await startFleet({ count: 1, sim: { modelName: 'clip-sim', embeddingDim: 512 }, config: (sims) => ({ backends: backendsFor(sims, [{ models: ['clip-sim'] }]) }) });
  return {
    name: 'simulator', note: 'PROTOCOL CHECK, not a quality figure: the simulator derives vectors from the bytes, so an edited photo is a stranger to it',
    ...throughDispatcher(fleet.dispatcher.url, 'clip-sim', batchSize), close: () => fleet.close(),
  };
}
