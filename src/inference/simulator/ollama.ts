/**
 * Ollama's own endpoints for the simulated backend (`--flavour ollama`), in the shapes Ollama's API
 * documentation gives: `/api/version`, `/api/tags` (the model, tagged `:latest` as Ollama names it)
 * and `/api/ps`. As with a freshly started Ollama, the model is not in memory until the first
 * request arrives; from then on it stays (the simulator does not model keep-alive expiry).
 */
import type { FastifyInstance } from 'fastify';
import type { GpuModel } from './model.js';

/** The version the simulated Ollama reports. */
export const simOllamaVersion = '0.0.0-kona-sim';

/** What the Ollama endpoints need from the simulator. */
export interface OllamaApiContext {
  modelName: string;
  model: GpuModel;
}

/** Adds `/api/version`, `/api/tags` and `/api/ps` to the simulator's server. */
export function registerOllamaApi(app: FastifyInstance, ctx: OllamaApiContext): void {
  const name = ctx.modelName.includes(':') ? ctx.modelName : `${ctx.modelName}:latest`;
  const size = 4_000_000_000;
  const details = { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '7B', quantization_level: 'Q4_0' };
  const digest = '0'.repeat(64);
  app.get('/api/version', async () => ({ version: simOllamaVersion }));
  app.get('/api/tags', async () => ({
    models: [{ name, model: name, modified_at: '2026-01-01T00:00:00Z', size, digest, details }],
  }));
  app.get('/api/ps', async () => {
    const s = ctx.model.snapshot();
    const loaded = s.running + s.waiting > 0 || s.requestsFinishedTotal > 0;
    return {
      models: loaded ? [{ name, model: name, size, digest, details, expires_at: '2099-01-01T00:00:00Z', size_vram: size, context_length: ctx.model.timing.kvTokenBudget }] : [],
    };
  });
}
