/**
 * Image embeddings through the real dispatcher with simulated backends: `DispatcherClient.embedImages`
 * sends data URLs, the dispatcher routes them in the batch class, and the simulator answers
 * deterministic unit vectors from the image bytes, of the dimension it was started with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherClient, DispatcherClientError } from '../client.js';
import { toDataUrl } from '../embedder/data-url.js';
import { embedText } from '../simulator/text.js';
import { finishedCounts, metricSum, metricsOf, quickConfig, startFleet, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const photo = (seed: number) => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 31 + seed * 7) % 256));

describe('image embeddings through the dispatcher (simulated backends)', () => {
  it('answers a deterministic unit vector per image, from its bytes, in the batch class', async () => {
    const f = (fleet = await startFleet({ count: 1, sim: { embeddingDim: 24 }, config: (sims) => quickConfig(sims) }));
    const client = new DispatcherClient({ baseUrl: f.dispatcher.url, tenant: 'r1' });
    const [a, b] = [photo(1), photo(2)];
    const result = await client.embedImages([a, b, toDataUrl(a)], { model: 'm' });
    expect([result.model, result.dimension, result.backend]).toEqual(['m', 24, 'b0']);
    expect(result.vectors[0]).toEqual(embedText(a, 24));
    expect(result.vectors[2]).toEqual(result.vectors[0]);
    expect(result.vectors[1]).not.toEqual(result.vectors[0]);
    for (const v of result.vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total', { class: 'batch' })).toBe(1);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total', { class: 'interactive' })).toBe(0);
  });

  it('splits a long list into requests of at most 64 images, keeping the order', async () => {
    const f = (fleet = await startFleet({ count: 1, sim: { embeddingDim: 8 }, config: (sims) => quickConfig(sims) }));
    const client = new DispatcherClient({ baseUrl: f.dispatcher.url, tenant: 'r1' });
    const images = Array.from({ length: 70 }, (_, i) => photo(i));
    const result = await client.embedImages(images, { model: 'm', priority: 'drafting' });
    expect(result.vectors).toEqual(images.map((i) => embedText(i, 8)));
    expect(finishedCounts(f.sims)).toEqual([2]);
    expect(metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total', { class: 'drafting' })).toBe(2);
  });

  it('passes a malformed image data URL back as a 400 with a message, and refuses an unknown model', async () => {
    const f = (fleet = await startFleet({ count: 1, config: (sims) => quickConfig(sims) }));
    const client = new DispatcherClient({ baseUrl: f.dispatcher.url, tenant: 'r1' });
    const bad = await client.embedImages(['data:image/png;base64,@@'], { model: 'm' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(DispatcherClientError);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_image', message: expect.stringMatching(/no valid base64/) });
    await expect(client.embedImages([photo(1)], { model: 'nope' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('takes image bodies over the 8 MiB chat limit on /v1/embeddings, and says the limit when a body passes it', async () => {
    const f = (fleet = await startFleet({ count: 1, sim: { embeddingDim: 4 }, config: (sims) => quickConfig(sims), server: { embeddingsBodyLimit: 12 * 1024 * 1024 } }));
    const client = new DispatcherClient({ baseUrl: f.dispatcher.url, tenant: 'r1' });
    const big = Buffer.alloc(7 * 1024 * 1024, 7); // ~9.3 MiB as base64
    expect((await client.embedImages([big], { model: 'm' })).vectors[0]).toEqual(embedText(big, 4));
    const err = await client.embedImages([big, big], { model: 'm' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 413, message: expect.stringMatching(/larger than 12582912 bytes/) });
  });
});
