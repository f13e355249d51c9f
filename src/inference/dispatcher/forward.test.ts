import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import { startSimBackend, type RunningSimBackend } from '../simulator/server.js';
import { Dispatcher } from './dispatcher.js';
import { forward, type ResponseSink } from './forward.js';
import { parseConfig, quickConfig, quickTiming } from './dispatcher.testing.js';

let sim: RunningSimBackend | undefined;
let dispatcher: Dispatcher | undefined;
afterEach(async () => {
  await dispatcher?.stop();
  await sim?.close();
  sim = undefined;
  dispatcher = undefined;
});

describe('forward', () => {
  it('does not blame the backend for a client that reads slower than the stream idle limit', async () => {
    sim = await startSimBackend({ timing: quickTiming, modelName: 'm' });
    // The attempt's deadlines run on this clock: only the client's slowness below moves it.
    const clock = new ManualClock(1_000);
    dispatcher = new Dispatcher(parseConfig(quickConfig([sim], { timeouts: { firstTokenMs: 2000, responseMs: 2000, streamIdleMs: 150 } })), { monitor: false, clock });
    let text = '';
    let status = 0;
    let ended = false;
    let writes = 0;
    const sink: ResponseSink = {
      send: (s, body) => { status = s; text = body; },
      startStream: () => { status = 200; },
      // Every fourth write takes twice the idle limit, as a client on a slow link would.
      write: async (chunk) => {
        text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
        if (++writes % 4 === 0) clock.advance(300);
      },
      end: () => { ended = true; },
    };
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true });
    await forward({ dispatcher }, { path: '/v1/chat/completions', body, model: 'm', priority: 'interactive', tenant: 'default', stream: true, arrivedAt: clock.now() }, sink, new AbortController().signal);
    expect(status).toBe(200);
    expect(ended).toBe(true);
    expect(writes).toBeGreaterThan(4);
    expect(text).not.toContain('"error"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(dispatcher.status().backends[0]!.state).toBe('closed');
  });

  it('returns and frees the slot when the client leaves during a slow write, after the whole answer arrived', async () => {
    sim = await startSimBackend({ timing: quickTiming, modelName: 'm' });
    const clock = new ManualClock(1_000);
    dispatcher = new Dispatcher(parseConfig(quickConfig([sim])), { monitor: false, clock });
    const running = sim;
    const client = new AbortController();
    let writes = 0;
    let ended = false;
    const sink: ResponseSink = {
      send: () => undefined,
      startStream: () => undefined,
      // The second write blocks (a slow client) while the backend finishes; then the client goes away.
      write: async () => {
        if (++writes !== 2) return;
        await vi.waitFor(() => expect(running.model.snapshot().requestsFinishedTotal).toBe(1), { timeout: 10_000, interval: 10 });
        client.abort();
      },
      end: () => { ended = true; },
    };
    const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true });
    await forward({ dispatcher }, { path: '/v1/chat/completions', body, model: 'm', priority: 'interactive', tenant: 'default', stream: true, arrivedAt: clock.now() }, sink, client.signal);
    expect(writes).toBe(2);
    expect(ended).toBe(false); // nothing more is written for a client that left
    expect(dispatcher.status().inFlight).toBe(0);
    expect(dispatcher.status().backends[0]!.state).toBe('closed');
  });
});
