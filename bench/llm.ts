/**
 * npm run bench:llm — the CPU engine (`kona llm-serve`'s code, in-process) on the generated tiny
 * GGUF: model load time, decode tokens per second without a grammar, and the latency of a
 * json_schema answer (grammar-constrained), each over HTTP to the OpenAI-compatible server. With
 * BENCH_LLM_MODEL=<file.gguf> it measures that model instead. BENCH_LLM_RUNS (default 10) sets the
 * repetitions, BENCH_LLM_THREADS (default 1) the threads. Needs node-llama-cpp (`npm run install:llm`).
 * Prints the figures and writes bench/results/llm.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLlmServer } from '../src/inference/llm/server.js';
import { tinyModelGguf } from '../src/inference/llm/tiny-model.js';
import { machineInfo, round } from './web-report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.env.BENCH_LLM_RUNS ?? 10);
const threads = Number(process.env.BENCH_LLM_THREADS ?? 1);
const log = (s: string): void => { process.stdout.write(s); };
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Answer { choices: Array<{ message: { content: string } }>; usage: { completion_tokens: number } }

async function main(): Promise<void> {
  const machine = machineInfo();
  const dir = mkdtempSync(path.join(tmpdir(), 'kona-bench-llm-'));
  let modelPath = process.env.BENCH_LLM_MODEL;
  if (!modelPath) {
    modelPath = path.join(dir, 'kona-tiny.gguf');
    writeFileSync(modelPath, tinyModelGguf());
  }
  const server = await startLlmServer({ modelPath, threads, contextSize: 2048, slots: 1, modelName: 'm' });
  try {
    const chat = async (body: object) => {
      const started = performance.now();
      const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', ...body }) });
      if (!res.ok) throw new Error(`llm-serve answered ${res.status}: ${await res.text()}`);
      return { ms: performance.now() - started, answer: (await res.json()) as Answer };
    };
    const messages = [{ role: 'system', content: 'You describe dogs.' }, { role: 'user', content: 'Describe Rex, a calm three-year-old collie who likes cats.' }];
    const decode: number[] = [];
    let tokens = 0;
    let seconds = 0;
    for (let i = 0; i < runs; i++) {
      const { ms, answer } = await chat({ messages, max_tokens: 128, temperature: 0.8, seed: i });
      decode.push(answer.usage.completion_tokens / (ms / 1000));
      tokens += answer.usage.completion_tokens;
      seconds += ms / 1000;
    }
    const schema = { type: 'object', properties: { size: { enum: ['small', 'medium', 'large'] }, goodWithCats: { type: 'boolean' }, summary: { type: 'string', maxLength: 40 } }, required: ['size', 'goodWithCats', 'summary'] };
    const json: number[] = [];
    let valid = 0;
    for (let i = 0; i < runs; i++) {
      const { ms, answer } = await chat({ messages, max_tokens: 200, seed: i, response_format: { type: 'json_schema', json_schema: { name: 'dog', schema } } });
      json.push(ms);
      try { JSON.parse(answer.choices[0]!.message.content); valid++; } catch { /* counted as invalid */ }
    }
    const figures = {
      loadMs: round(server.loadMs),
      // All answers' tokens over all their time (prompt included); per-answer rates swing with answer length.
      decodeTokensPerSecond: { overall: round(tokens / seconds), p50: round(pct(decode, 50)), completionTokens: tokens },
      jsonSchemaLatencyMs: { p50: round(pct(json, 50)), p95: round(pct(json, 95)) },
      jsonSchemaValid: `${valid}/${runs}`,
    };
    log(`\nKona llm-serve benchmark; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverageAtStart.join(' ')}\n`);
    log(`model ${process.env.BENCH_LLM_MODEL ?? 'generated tiny GGUF (seed 16)'}, ${threads} thread(s), ${runs} runs\n`);
    log(`  load ${figures.loadMs} ms; decode ${figures.decodeTokensPerSecond.overall} tokens/s over ${tokens} tokens (p50 per answer ${figures.decodeTokensPerSecond.p50}); json_schema answer p50 ${figures.jsonSchemaLatencyMs.p50} ms, p95 ${figures.jsonSchemaLatencyMs.p95} ms; valid ${figures.jsonSchemaValid}\n`);
    const out = path.join(root, 'bench/results/llm.json');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ machine: { ...machine, loadAverageAtEnd: loadavg().map(round) }, settings: { runs, threads, model: process.env.BENCH_LLM_MODEL ?? 'tiny' }, figures }, null, 2)}\n`);
    log(`wrote ${path.relative(process.cwd(), out)}\n`);
    if (valid < runs) process.exitCode = 1;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  process.stderr.write(`bench:llm failed: ${(err as Error).stack ?? err}\n`);
}
