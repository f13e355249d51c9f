/** Prometheus text exposition in the flavour of the server being imitated (vLLM or llama.cpp). */
import type { GpuSnapshot } from './model.js';

/** Which real server the simulator imitates; `none` has no `/metrics`; `ollama` has Ollama's `/api/*` and no `/health`. */
export type SimFlavour = 'vllm' | 'llamacpp' | 'ollama' | 'none';

type Metric = [name: string, type: 'gauge' | 'counter', help: string, value: number];

function render(metrics: Metric[], labels: string): string {
  return metrics.map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name}${labels} ${value}\n`).join('');
}

/** vLLM's names (as of v0.10/0.11), each labelled with `model_name`. */
export function vllmMetrics(s: GpuSnapshot, modelName: string): string {
  return render([
    ['vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', s.running],
    ['vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', s.waiting],
    ['vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', s.kvCacheUsage],
    ['vllm:prompt_tokens_total', 'counter', 'Number of prefill tokens processed.', s.promptTokensTotal],
    ['vllm:generation_tokens_total', 'counter', 'Number of generation tokens processed.', s.generationTokensTotal],
    ['vllm:request_success_total', 'counter', 'Count of successfully processed requests.', s.requestsFinishedTotal],
  ], `{model_name="${modelName.replace(/["\\\n]/g, '_')}"}`);
}

/** llama.cpp server's names (`--metrics`); unlabelled, as llama-server emits them. */
export function llamacppMetrics(s: GpuSnapshot, kvTokenBudget: number): string {
  return render([
    ['llamacpp:requests_processing', 'gauge', 'Number of requests processing.', s.running],
    ['llamacpp:requests_deferred', 'gauge', 'Number of requests deferred.', s.waiting],
    ['llamacpp:kv_cache_usage_ratio', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', s.kvCacheUsage],
    ['llamacpp:kv_cache_tokens', 'gauge', 'KV-cache tokens.', s.kvTokens],
    ['llamacpp:n_ctx', 'gauge', 'Context size (KV token budget).', kvTokenBudget],
    ['llamacpp:prompt_tokens_total', 'counter', 'Number of prompt tokens processed.', s.promptTokensTotal],
    ['llamacpp:tokens_predicted_total', 'counter', 'Number of generation tokens processed.', s.generationTokensTotal],
  ], '');
}
