import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import pino from 'pino';
import { readEvents, setFaults } from '../simulator/simulator.testing.js';
import { chatVia, startFleet, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('dispatcher HTTP API', () => {
  it('answers chat completions, streams and embeddings through a backend, and lists models', async () => {
    fleet = await startFleet();
    const res = await chatVia(fleet.dispatcher);
    expect(res.status).toBe(200);
    const body = await res.json() as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);

    const stream = await chatVia(fleet.dispatcher, { stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const { events, broken } = await readEvents(stream);
    expect(broken).toBe(false);
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.length).toBeGreaterThan(2);

    const emb = await fetch(`${fleet.dispatcher.url}/v1/embeddings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', input: ['a', 'b'] }),
    });
    expect(emb.status).toBe(200);
    expect(((await emb.json()) as { data: unknown[] }).data).toHaveLength(2);

    const models = await (await fetch(`${fleet.dispatcher.url}/v1/models`)).json() as { data: Array<{ id: string; available: boolean }> };
    expect(models.data).toEqual([expect.objectContaining({ id: 'm', available: true })]);
    const status = await (await fetch(`${fleet.dispatcher.url}/status`)).json() as { inFlight: number; backends: unknown[] };
    expect(status.inFlight).toBe(0);
    expect(status.backends).toHaveLength(2);
  });

  it('never logs a prompt or an answer, even when backends fail and breakers change', async () => {
    let logged = '';
    const sink = new Writable({ write(chunk, _enc, done) { logged += chunk.toString(); done(); } });
    fleet = await startFleet({ server: { logger: pino({ level: 'trace' }, sink) } });
    const secret = 'PROMPT-Bella-lives-at-12-Elm-Street';
    await setFaults(fleet.sims[0]!, { errorStatus: 500 });
    for (let i = 0; i < 4; i++) expect((await chatVia(fleet.dispatcher, { messages: [{ role: 'user', content: secret }] })).status).toBe(200);
    await setFaults(fleet.sims[1]!, { truncateAfterTokens: 2 });
    await readEvents(await chatVia(fleet.dispatcher, { stream: true, max_tokens: 8, messages: [{ role: 'user', content: secret }] }));
    expect(logged).toContain('backend breaker changed'); // something was logged about these failures
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('Bella');
  });
});
