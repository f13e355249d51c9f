/**
 * What turns a photo into a vector. The descriptor is always there; a model embedder (the image
 * model behind the dispatcher) plugs in through the composition root when `KONA_MATCHING_MODEL`
 * names one. Every stored vector and every score carries the `modelId` that made it.
 */
import type { DispatcherClient } from '../../inference/client.js';
import { KonaError } from '../../platform/errors/errors.js';
import { describeImage, descriptorDimension, descriptorModelId } from './descriptor.js';

/** An image embedder: a model id, the dimension it declares, and bytes → unit vector. */
export interface ImageEmbedder {
  readonly modelId: string;
  readonly dimension: number;
  embed(bytes: Buffer): Promise<number[]>;
}

/** The deterministic descriptor as an embedder. */
export const descriptorEmbedder: ImageEmbedder = { modelId: descriptorModelId, dimension: descriptorDimension, embed: describeImage };

/** Makes the embedder for a model id other than the descriptor's (wired by src/apps when one exists). */
export type ModelEmbedderFactory = (modelId: string) => ImageEmbedder;

/** Model ids are stored and written into index names and predicates: a short, plain alphabet only. */
export const modelIdPattern = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * The embedder the setting asks for: unset (or the descriptor's id) gives the descriptor; another id
 * needs a model factory, and without one the job fails with a message that says what to set.
 */
export function embedderFor(setting: string | undefined, model?: ModelEmbedderFactory): ImageEmbedder {
  if (!setting || setting === descriptorModelId) return descriptorEmbedder;
  if (!modelIdPattern.test(setting)) throw new KonaError('KONA_ERR_VALIDATION', `KONA_MATCHING_MODEL must be a lower-case model id (letters, digits, ".", "_", "-"); got one that is not.`);
  if (!model) throw new KonaError('KONA_ERR_UNAVAILABLE', `KONA_MATCHING_MODEL=${setting} needs an image model behind the dispatcher, and none is wired in this process. Unset it to use ${descriptorModelId}.`);
  const embedder = model(setting);
  if (embedder.modelId !== setting) throw new KonaError('KONA_ERR_INTERNAL', 'The image model answered for another model id.');
  return embedder;
}

/**
 * Image models behind the dispatcher (`kona embedder`, Infinity, vLLM): each photo is sent as a
 * data URL, in the batch class (the jobs) or the interactive one (a search a person waits on), to `/v1/embeddings` through the client. The dimension is the one the server
 * declares, learned from its first answer; a vector of another length is refused by the service.
 */
export function dispatcherEmbedders(client: () => DispatcherClient | undefined, priority: 'batch' | 'interactive' = 'batch'): ModelEmbedderFactory {
  return (modelId) => {
    let declared = 0;
    return {
      modelId,
      get dimension() {
        return declared;
      },
      async embed(bytes: Buffer): Promise<number[]> {
        const c = client();
        if (!c) throw new KonaError('KONA_ERR_UNAVAILABLE', `KONA_MATCHING_MODEL=${modelId} needs the dispatcher (KONA_DISPATCHER_CONFIG or KONA_DISPATCHER_URL), and none is set. Unset it to use ${descriptorModelId}.`);
        let answer;
        try {
          answer = await c.embedImages([bytes], { model: modelId, priority });
        } catch (err) {
          // The model server refused this image (it cannot decode it, or it is too large): the photo is skipped, not retried.
          const e = err as { status?: number; code?: string };
          if ((e.code === 'invalid_image' || e.code === 'image_too_large') && e.status === 400) throw new KonaError('KONA_ERR_VALIDATION', `The image model ${modelId} could not read this photo (${e.code}).`);
          throw err;
        }
        declared = answer.dimension;
        return answer.vectors[0]!;
      },
    };
  };
}
