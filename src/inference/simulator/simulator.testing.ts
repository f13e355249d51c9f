/** Helpers shared by the simulated backend's HTTP tests (not a test file itself). */
import type { RunningSimBackend } from './server.js';

/** Posts a chat completion for model `m` (5 tokens unless overridden). */
export function chat(sim: RunningSimBackend, body: object, signal?: AbortSignal) {
  return fetch(`${sim.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, signal,
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 5, ...body }),
  });
}

/** Replaces the sim's faults over its admin endpoint. */
export function setFaults(sim: RunningSimBackend, faults: object) {
  return fetch(`${sim.url}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
}

/** Polls until `check` holds (generous timeout: the machine is loaded). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('waitFor: condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Reads an SSE body to its end (or until the connection breaks); returns the data payloads and whether it broke. */
export async function readEvents(res: Response): Promise<{ events: string[]; broken: boolean }> {
  let text = '';
  let broken = false;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  } catch {
    broken = true; // the partial text read so far is kept
  }
  return { events: text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6)), broken };
}

/** The first sample of a metric in Prometheus text. */
export function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name) && !l.startsWith('#'));
  return line ? Number(line.split(' ').pop()) : NaN;
}
