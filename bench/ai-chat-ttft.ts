/**
 * Chat time to first token through Kona's chat streaming path: a simulated GPU server and a real
 * dispatcher on loopback, and each question going through chat/model.ts exactly as the hub's
 * `/hub/dogs/:id/ask/stream` does (the record's passages as data, the versioned prompt, the
 * interactive class, SSE through the dispatcher client). Measured from the call to the first text
 * delta, one question at a time (a person waiting on an idle fleet). The hub's own hop (session,
 * record read, the SSE write to the browser) is not in the figure.
 *
 * `node dist/bench/ai-chat-ttft.js` prints the figures; BENCH_CHAT_REQUESTS sets how many questions.
 */
import { pathToFileURL } from 'node:url';
import { dispatcherConfigSchema } from '../src/inference/config/config.schema.js';
import { DispatcherClient } from '../src/inference/client.js';
import { startDispatcherServer } from '../src/inference/dispatcher/server.js';
import { defaultTiming, type GpuTiming } from '../src/inference/simulator/model.js';
import { startSimBackend } from '../src/inference/simulator/server.js';
import { systemClock } from '../src/platform/clock/clock.js';
import { buildRecord, type RecordProfile } from '../src/features/ai/chat/record.js';
import { streamModelAnswer } from '../src/features/ai/chat/model.js';
import type { TimelineEntry } from '../src/features/dogs/dogs.public.js';

const dog: RecordProfile = {
  id: '00000000-0000-4000-8000-000000000001', name: 'Biscuit', sex: 'female', birth_date: '2022-03-01', birth_date_estimated: true, breeds: ['Beagle'],
  size: 'medium', colour: 'tan', microchip: '985112345678901', spay_neuter: 'yes', intake_date: '2026-05-02', intake_type: 'stray',
  good_with_dogs: 'yes', good_with_cats: 'no', good_with_children: 'unknown', energy: 'high', special_needs: 'Needs a low-fat diet',
  public_description: 'A merry hound who loves long walks.', status: 'available', on_hold: false, hold_reason: '',
};

// A record of ordinary size: forty timeline entries across medical, notes and placements.
const timeline: TimelineEntry[] = Array.from({ length: 40 }, (_, i) => ({
  at: new Date(Date.UTC(2026, 4, 3 + i)), dateOnly: true, by: null, kind: ['medical', 'note', 'foster'][i % 3]!, title: `Entry ${i + 1}`, detail: 'Walked well on the lead and ate her dinner; no concerns today.',
}));

/** Percentile `p` (0..1) of sorted values, nearest rank. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

/** The bench's record: a dog of ordinary size, forty timeline entries. */
export const benchRecord = () => buildRecord(dog, timeline, { New: 2 }, '2026-12-07');

/** Time to first token of `requests` questions, one at a time, through a dispatcher that serves `model`. */
export async function chatTtftOn(client: DispatcherClient, model: string, requests: number): Promise<{ p50Ms: number; p95Ms: number; requests: number }> {
  const rt = { client, model, tenant: 'bench', clock: systemClock, firstTokenMs: 60_000, answerMs: 120_000 };
  const record = benchRecord();
  const ttfts: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    let first = NaN;
    const outcome = await streamModelAnswer(rt, record, `Is Biscuit good with cats? (${i})`, () => { if (Number.isNaN(first)) first = performance.now() - started; });
    if (!outcome.ok) throw new Error(`question ${i} fell back to the simpler path (${outcome.reason})`);
    ttfts.push(first);
  }
  ttfts.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50Ms: round(percentile(ttfts, 0.5)), p95Ms: round(percentile(ttfts, 0.95)), requests };
}

/** Starts a simulated GPU server and a dispatcher, asks `requests` questions one at a time, and returns time-to-first-token percentiles (ms). */
export async function measureChatTtft({ requests = 50, timing = defaultTiming }: { requests?: number; timing?: GpuTiming } = {}): Promise<{ p50Ms: number; p95Ms: number; requests: number }> {
  const sim = await startSimBackend({ timing, modelName: 'kona-chat', flavour: 'vllm' });
  sim.setFaults({ replyText: 'Biscuit is not good with cats [profile-5]. Her diet is low in fat [profile-7].' });
  const config = dispatcherConfigSchema.parse({ backends: [{ name: 'gpu-1', baseUrl: sim.url, kind: 'vllm', tier: 'dedicated', models: ['kona-chat'], slots: timing.slots }] });
  const dispatcher = await startDispatcherServer({ config, defaultMetrics: false });
  try {
    return await chatTtftOn(new DispatcherClient({ baseUrl: dispatcher.url }), 'kona-chat', requests);
  } finally {
    await dispatcher.close();
    await sim.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await measureChatTtft({ requests: Number(process.env.BENCH_CHAT_REQUESTS ?? 50) })));
}
