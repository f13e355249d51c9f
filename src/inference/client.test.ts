import { afterEach, describe, expect, it } from 'vitest';
import { DispatcherClient, DispatcherClientError } from './client.js';
import { startFleet, type Fleet } from './dispatcher/dispatcher.testing.js';
import { setFaults } from './simulator/simulator.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function rejection(p: Promise<unknown>): Promise<DispatcherClientError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DispatcherClientError);
  return err as DispatcherClientError;
}

describe('DispatcherClient', () => {
  it('makes chat, streamed chat and embeddings calls and reads models and status', async () => {
    fleet = await startFleet();
    const client = new DispatcherClient({ baseUrl: fleet.dispatcher.url, tenant: 'happy-tails' });
    const answer = await client.chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(0);

    let text = '';
    let chunks = 0;
    for await (const chunk of client.chatStream({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 6 }, { priority: 'drafting' })) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(0);

    const emb = await client.embeddings({ model: 'm', input: ['one', 'two', 'three'] });
    expect(emb.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(emb.data[0]?.embedding.length).toBeGreaterThan(0);

    expect(await client.models()).toEqual([expect.objectContaining({ id: 'm', available: true })]);
    const status = await client.status();
    expect(status.backends.map((b) => b.name)).toEqual(['b0', 'b1']);
    // The requests above were counted per class, drafting included (the header reached the dispatcher).
    const metrics = await (await fetch(`${fleet.dispatcher.url}/metrics`)).text();
    expect(metrics).toMatch(/kona_dispatcher_requests_total\{class="drafting",outcome="ok"\} 1/);
  });

  it('turns refusals into typed errors: unknown model, bad input, mid-stream failure, unreachable', async () => {
    fleet = await startFleet({ count: 1 });
    const client = new DispatcherClient({ baseUrl: fleet.dispatcher.url });
    const unknown = await rejection(client.chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }));
    expect([unknown.status, unknown.code]).toEqual([404, 'model_not_found']);
    const bad = await rejection(client.chat({ model: 'm', messages: [] }));
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/messages/);

    await setFaults(fleet.sims[0]!, { truncateAfterTokens: 2 });
    const seen: string[] = [];
    const cut = await rejection((async () => {
      for await (const c of client.chatStream({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 })) seen.push(c.id);
    })());
    expect(seen.length).toBeGreaterThan(0); // the tokens before the failure arrived
    expect([cut.status, cut.code]).toEqual([502, 'backend_stream_truncated']);

    const port = new URL(fleet.dispatcher.url).port;
    await fleet.close();
    fleet = undefined;
    const down = await rejection(new DispatcherClient({ baseUrl: `http://127.0.0.1:${port}` }).models());
    expect(down.status).toBe(0);
  });

  it('sends the bearer token the dispatcher requires', async () => {
    fleet = await startFleet({ count: 1, server: { token: 'a-long-dispatcher-token' } });
    const noToken = await rejection(new DispatcherClient({ baseUrl: fleet.dispatcher.url }).models());
    expect([noToken.status, noToken.code]).toEqual([401, 'invalid_api_key']);
    const withToken = new DispatcherClient({ baseUrl: fleet.dispatcher.url, token: 'a-long-dispatcher-token' });
    expect((await withToken.models()).map((m) => m.id)).toEqual(['m']);
    expect((await fetch(`${fleet.dispatcher.url}/health`)).status).toBe(200); // probes need no token
  });
});
