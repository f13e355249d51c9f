import { describe, expect, it } from 'vitest';
import { parseExposition, parseSignals } from './parse.js';

// Shaped like vLLM 0.11's /metrics: HELP/TYPE comments, several models, histograms, other labels.
const vllmText = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3.0
vllm:num_requests_running{engine="0",model_name="Qwen/Qwen2.5-7B"} 2.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen2.5-7B"} 1.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.42
vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen2.5-7B"} 0.17
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{le="0.001",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
vllm:time_to_first_token_seconds_sum{model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.2e+00
python_gc_objects_collected_total{generation="0"} 1234.0
process_start_time_seconds 1.7e9
`;

// llama-server --metrics: unlabelled gauges and counters.
const llamaText = `# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.
# TYPE llamacpp:prompt_tokens_total counter
llamacpp:prompt_tokens_total 581
# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.
# TYPE llamacpp:kv_cache_usage_ratio gauge
llamacpp:kv_cache_usage_ratio 0.25
# HELP llamacpp:requests_processing Number of requests processing.
# TYPE llamacpp:requests_processing gauge
llamacpp:requests_processing 2
# HELP llamacpp:requests_deferred Number of requests deferred.
# TYPE llamacpp:requests_deferred gauge
llamacpp:requests_deferred 5
`;

describe('parseExposition', () => {
  it('reads names, labels, values and timestamps, skipping comments and blank lines', () => {
    const r = parseExposition('# HELP x y\n\n  # TYPE x gauge\nx 1\ny{a="1", b="two",} -2.5e3 1700000000000\r\nz_total{} 7\n');
    expect(r).toEqual({ ok: true, value: [
      { name: 'x', labels: {}, value: 1 },
      { name: 'y', labels: { a: '1', b: 'two' }, value: -2500, timestamp: 1700000000000 },
      { name: 'z_total', labels: {}, value: 7 },
    ] });
  });

  it('unescapes label values (quote, backslash, newline) and keeps braces and commas inside them', () => {
    const r = parseExposition('m{path="C:\\\\dir",q="say \\"hi\\", {ok}",n="a\\nb"} 1\n');
    expect(r.ok && r.value[0]!.labels).toEqual({ path: 'C:\\dir', q: 'say "hi", {ok}', n: 'a\nb' });
  });

  it('reads NaN and infinities', () => {
    const r = parseExposition('a NaN\nb +Inf\nc -Inf\nd Inf\n');
    expect(r.ok && r.value.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, Infinity]);
  });

  it.each([
    ['garbage words', 'this is not a metric', /bad value "is"/],
    ['a bad value', 'x one', /bad value "one"/],
    ['a missing value', 'x{a="1"}', /expected a space/],
    ['an unterminated label value', 'x{a="1} 3', /unterminated value of label a/],
    ['an unknown escape', 'x{a="\\t"} 3', /bad escape \\t/],
    ['an unquoted label value', 'x{a=1} 3', /expected " to open/],
    ['a repeated label', 'x{a="1",a="2"} 3', /label a repeated/],
    ['extra text', 'x 1 2 3', /unexpected text/],
    ['a fractional timestamp', 'x 1 2.5', /bad timestamp/],
    ['a name starting with a digit', '9x 1', /expected a metric name/],
  ])('rejects %s with a message naming the line', (_what, line, message) => {
    const r = parseExposition(`ok 1\n${line}\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      expect(r.error).toMatch(/^metrics line 2:/);
    }
  });
});

describe('parseSignals', () => {
  it('sums vLLM counts across models and takes the fullest KV cache', () => {
    expect(parseSignals('vllm', vllmText)).toEqual({ ok: true, value: { waiting: 5, running: 5, kvCacheUsage: 0.42 } });
  });

  it('accepts the older vllm:gpu_cache_usage_perc name', () => {
    const old = vllmText.replaceAll('vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc');
    expect(parseSignals('vllm', old)).toEqual({ ok: true, value: { waiting: 5, running: 5, kvCacheUsage: 0.42 } });
  });

  it('leaves kvCacheUsage out when the server does not report it', () => {
    const without = 'vllm:num_requests_running{model_name="m"} 1\nvllm:num_requests_waiting{model_name="m"} 0\n';
    expect(parseSignals('vllm', without)).toEqual({ ok: true, value: { waiting: 0, running: 1 } });
  });

  it('maps llama.cpp deferred to waiting and processing to running', () => {
    expect(parseSignals('llamacpp', llamaText)).toEqual({ ok: true, value: { waiting: 5, running: 2, kvCacheUsage: 0.25 } });
  });

  it('does not read one kind\'s names as another\'s', () => {
    const r = parseSignals('vllm', llamaText);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/vllm:num_requests_waiting missing/);
  });

  it('rejects counts that are not counts', () => {
    const r = parseSignals('llamacpp', llamaText.replace('llamacpp:requests_deferred 5', 'llamacpp:requests_deferred NaN'));
    expect(r).toEqual({ ok: false, error: 'metric llamacpp:requests_deferred is NaN, not a count' });
    expect(parseSignals('llamacpp', llamaText.replace('requests_processing 2', 'requests_processing -1')).ok).toBe(false);
  });

  it('reports malformed text as an error instead of throwing', () => {
    const r = parseSignals('vllm', `${vllmText}<html>502 Bad Gateway</html>\n`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^metrics line 20:/);
  });

  it('reads Prometheus metrics only for vLLM and llama.cpp (Ollama, TGI and generic OpenAI servers publish none)', () => {
    expect(parseSignals('ollama', llamaText)).toEqual({ ok: false, error: 'backends of kind ollama publish no load metrics' });
    expect(parseSignals('tgi', llamaText).ok).toBe(false);
  });
});
