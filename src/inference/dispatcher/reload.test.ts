/**
 * Hot reload under load: promoting, resizing, adding and removing backends while requests flow
 * through the real HTTP dispatcher loses no request and duplicates none; a bad file keeps the old
 * configuration and traffic goes on.
 */
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { readEvents, waitFor } from '../simulator/simulator.testing.js';
import { backendsFor, chatVia, finishedCounts, metricsOf, metricSum, quickConfig, startFleet, statusOf, type Fleet } from './dispatcher.testing.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const tokens = 30;

/** One client request; resolves to a description of what the client got, never throws. */
async function complete(f: Fleet, stream: boolean): Promise<string> {
  try {
    const res = await chatVia(f.dispatcher, { stream, max_tokens: tokens });
    if (res.status !== 200) return `HTTP ${res.status}: ${await res.text()}`;
    if (!stream) {
      const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
      const n = body.choices[0]!.message.content.split(' ').length;
      return n === tokens ? 'ok' : `plain answer with ${n} tokens`;
    }
    const { events, broken } = await readEvents(res);
    const content = events.filter((e) => e !== '[DONE]').filter((e) => (JSON.parse(e) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content);
    if (broken || events.at(-1) !== '[DONE]' || content.length !== tokens) return `stream: broken=${broken} ${content.length} tokens, last ${events.at(-1)}`;
    return 'ok';
  } catch (err) {
    return `threw ${(err as Error).message}`;
  }
}

const total = () => finishedCounts(fleet!.sims).reduce((a, b) => a + b, 0);

describe('hot reload during load', () => {
  it('promotes, resizes, adds and removes backends without losing or duplicating a request', async () => {
    // Three sims; the file names only the first two at the start.
    const f = (fleet = await startFleet({ count: 3, config: (sims) => quickConfig(sims.slice(0, 2)) }));
    const entries = backendsFor(f.sims);
    const write = (backends: Array<Record<string, unknown>>) => f.writeConfig({ ...quickConfig([]), backends });

    const n = 48;
    const results = Array.from({ length: n }, (_, i) => complete(f, i % 2 === 0));

    // 1. Promote the shared b1 to dedicated and give b0 a single slot.
    await waitFor(() => total() >= 4);
    write([{ ...entries[0], slots: 1 }, { ...entries[1], tier: 'dedicated' }]);
    expect(f.dispatcher.reload().status).toBe('applied');
    expect((await statusOf(f.dispatcher)).backends.map((b) => [b.name, b.tier, b.slots])).toEqual([['b0', 'dedicated', 1], ['b1', 'dedicated', 2]]);

    // 2. Add a third backend.
    await waitFor(() => total() >= 12);
    write([{ ...entries[0], slots: 1 }, { ...entries[1], tier: 'dedicated' }, entries[2]!]);
    expect(f.dispatcher.reload().status).toBe('applied');

    // 3. Remove b0 while it has a sequence running (no timer runs between the check and the reload).
    await waitFor(() => total() >= 20 && f.sims[0]!.model.snapshot().running > 0);
    expect(f.dispatcher.dispatcher.status().backends.find((b) => b.name === 'b0')!.inFlight).toBeGreaterThan(0);
    const b0FinishedAtRemoval = finishedCounts(f.sims)[0]!;
    write([{ ...entries[1], tier: 'dedicated' }, entries[2]!]);
    expect(f.dispatcher.reload().status).toBe('applied');
    expect((await statusOf(f.dispatcher)).backends.map((b) => b.name)).toEqual(['b1', 'b2']);
    // Nothing is dispatched to b0 after its removal, so this count is final from here on.
    const sentToB0 = metricSum(await metricsOf(f.dispatcher), 'kona_dispatcher_dispatched_total', { backend: 'b0' });
    expect(sentToB0).toBeGreaterThan(b0FinishedAtRemoval);

    const outcomes = await Promise.all(results);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    // Exactly one upstream sequence per client request: nothing lost, nothing sent twice.
    expect(total()).toBe(n);
    const counts = finishedCounts(f.sims);
    expect(counts[2]).toBeGreaterThan(0); // the added backend took work
    // Every request sent to b0, those in flight at its removal included, finished there.
    expect(counts[0]).toBe(sentToB0);

    const more = await Promise.all(Array.from({ length: 8 }, (_, i) => complete(f, i % 2 === 1)));
    expect(more.every((o) => o === 'ok')).toBe(true);
    expect(finishedCounts(f.sims)[0]).toBe(sentToB0);
    expect(total()).toBe(n + 8);
    const metrics = await metricsOf(f.dispatcher);
    expect(metricSum(metrics, 'kona_dispatcher_dispatched_total', { backend: 'b0' })).toBe(sentToB0);
    expect(metricSum(metrics, 'kona_dispatcher_retries_total')).toBe(0);
    expect(metricSum(metrics, 'kona_dispatcher_requests_total', { outcome: 'ok' })).toBe(n + 8);
    const status = await statusOf(f.dispatcher);
    expect(status.inFlight).toBe(0);
    expect(status.queues.interactive.depth).toBe(0);
  });

  it('keeps the old configuration when the new file is bad, and traffic continues', async () => {
    const logs: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });
    const f = (fleet = await startFleet({ count: 2, config: (sims) => quickConfig(sims), server: { logger } }));
    const running = Array.from({ length: 12 }, (_, i) => complete(f, i % 3 === 0));
    await waitFor(() => total() >= 2);

    writeFileSync(f.configFile, '{ "backends": [ }');
    const notJson = f.dispatcher.reload();
    expect(notJson.status).toBe('rejected');
    expect(notJson.status === 'rejected' && notJson.problems.join('\n')).toMatch(/not valid JSON/);

    f.writeConfig({ ...quickConfig(f.sims), backends: [] });
    const empty = f.dispatcher.reload();
    expect(empty.status === 'rejected' && empty.problems.join('\n')).toMatch(/backends: must list at least one backend/);

    f.writeConfig(quickConfig(f.sims, {}, [{}, { baseUrl: 'http://8.8.8.8:8000' }]));
    const publicHost = f.dispatcher.reload();
    expect(publicHost.status === 'rejected' && publicHost.problems.join('\n')).toMatch(/privacy guard/);

    expect((await Promise.all(running)).filter((o) => o !== 'ok')).toEqual([]);
    expect(await complete(f, true)).toBe('ok');
    expect(total()).toBe(13);
    const status = await statusOf(f.dispatcher);
    expect(status.backends.map((b) => [b.name, b.baseUrl])).toEqual([['b0', f.sims[0]!.url], ['b1', f.sims[1]!.url]]);
    // The watcher's own debounced reload of the last bad file is refused the same way (only that file
    // names the privacy guard). Its debounce runs on the dispatcher's clock: once a file event has
    // armed it (nothing else is pending now), the clock is moved past it.
    await waitFor(() => f.clock.pending > 0);
    f.clock.advance(200);
    await waitFor(() => logs.some((l) => l.includes('dispatcher config refused') && l.includes('privacy guard')));
    expect(await complete(f, false)).toBe('ok');
    expect(f.dispatcher.dispatcher.current.backends[1]!.baseUrl).toBe(f.sims[1]!.url);
  });
});
