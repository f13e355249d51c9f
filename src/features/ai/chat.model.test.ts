import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { DispatcherClient } from '../../inference/client.js';
import { startFleet, type Fleet } from '../../inference/dispatcher/dispatcher.testing.js';
import { setFaults, waitFor } from '../../inference/simulator/simulator.testing.js';
import { ManualClock } from '../../platform/clock/clock.testing.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { addAvailableDog } from '../adoptions/decisions.testing.js';
import { loadPrompt } from './ai.prompts.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// Markers in other dogs' records (this rescue's and another's): none may reach the model, a log or an answer.
const oliveMarker = 'Olive-Secret-5521';
const betaMarker = 'Beta-Secret-8812';
const cited = 'Biscuit is not good with cats [profile-5]. Her rabies vaccination is due on 2027-05-03. [medical-1] She loves long walks on the beach.';

interface Sent { headers: Record<string, string>; body: { stream?: boolean; tools?: unknown; messages: Array<{ role: string; content: string }> } }

// The chat's model path through the hub: streamed from the real dispatcher over the simulator (a
// scripted reply), checked for citations, stored encrypted; deadlines on the app's injected clock.
describe.each(engines)('the chat\'s model path on %s', (engine) => {
  let t: TestApp;
  let fleet: Fleet;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let betaStaff: Browser;
  let dogId: string;
  let betaDog: string;
  const clock = new ManualClock(Date.now());
  const sent: Sent[] = [];
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  const capture: typeof fetch = async (url, init) => {
    sent.push({ headers: init?.headers as Record<string, string>, body: JSON.parse(String(init?.body)) as Sent['body'] });
    return fetch(url, init);
  };
  const useDispatcher = (baseUrl = fleet.dispatcher.url) => { t.rt.ctx.inference = new DispatcherClient({ baseUrl, fetch: capture }); };
  const askPage = `/r/alpha/hub/dogs/`;
  const stream = async (b: Browser, path: string, question: string) => b.post(path, { _csrf: await b.csrf(`${askPage}${dogId}/ask`), question });
  const events = (body: string) => body.split('\n\n').filter(Boolean).map((block) => {
    const [event, data] = block.split('\n');
    return { event: event!.slice(7), data: JSON.parse(data!.slice(6)) as { text?: string; html?: string; path?: string } };
  });
  const streamed = (body: string) => events(body).filter((e) => e.event === 'token').map((e) => e.data.text).join('');
  const final = (body: string) => events(body).find((e) => e.event === 'answer')!.data;

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, server: { logger } });
    t = await createTestApp(engine, { KONA_AI_MODEL: 'm', KONA_AI_CHAT_FIRST_TOKEN_SECONDS: '2', KONA_AI_DEADLINE_SECONDS: '5' }, { clock });
    t.rt.ctx.logger = logger;
    await t.addTenant('alpha', 'Alpha Rescue');
    await t.addTenant('beta', 'Beta Rescue');
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const betaDb = (await t.rt.ctx.tenants.get('beta'))!.db.kysely;
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    ({ browser: betaStaff } = await signedInStaff(t, 'beta', 'staff'));
    dogId = await addAvailableDog(db, 'Biscuit');
    const olive = await addAvailableDog(db, 'Olive');
    betaDog = await addAvailableDog(betaDb, 'Rex');
    await db.updateTable('dogs').set({ good_with_cats: 'no' }).where('id', '=', dogId).execute();
    await db.insertInto('vaccinations').values({ dog_id: dogId, type: 'rabies', given_on: '2026-05-03', due_on: '2027-05-03', created_by: null }).execute();
    await db.insertInto('dog_notes').values({ dog_id: olive, author_id: null, body: `Olive hates cats intensely. ${oliveMarker}` }).execute();
    await betaDb.insertInto('dog_notes').values({ dog_id: betaDog, author_id: null, body: `Rex eats only salmon. ${betaMarker}` }).execute();
  });
  afterEach(async () => {
    t.rt.ctx.inference = undefined;
    await setFaults(fleet.sims[0]!, {});
  });
  afterAll(async () => {
    await t?.close();
    await fleet?.close();
  });

  it('streams the model\'s answer as SSE, then the checked answer with linked citations, stored encrypted; the record goes as data, interactive, without tools', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { replyText: cited });
    const res = await stream(staff, `${askPage}${dogId}/ask/stream`, 'Is Biscuit OK with cats, and when is her rabies shot due?');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
    expect(events(res.body).filter((e) => e.event === 'token').length).toBeGreaterThanOrEqual(20);
    expect(streamed(res.body)).toBe(cited);
    const answer = final(res.body);
    expect(answer.path).toBe('model');
    expect(answer.html).toContain('Answered by the on-site AI model from the record');
    expect(answer.html).toMatch(/<a class="chat-cite" href="#as[0-9a-f]{8}-profile-5">\[Profile 5\]<\/a>/);
    expect(answer.html).toMatch(/href="#as[0-9a-f]{8}-medical-1"/);
    expect(answer.html).toContain('<mark class="chat-uncited"'); // the sentence with no citation is marked
    expect(answer.html).toContain('Check the marked sentences');
    expect(answer.html).toContain(`href="/r/alpha/hub/dogs/${dogId}#record-heading"`);

    const request = sent.at(-1)!;
    expect(request.headers['x-kona-priority']).toBe('interactive');
    expect(request.body.stream).toBe(true);
    expect(request.body.tools).toBeUndefined();
    expect(request.body.messages[0]).toEqual({ role: 'system', content: loadPrompt('chat').text });
    expect(request.body.messages[1]!.content).toMatch(/<record>[\s\S]*"id": "profile-5"[\s\S]*<\/record>\n<question>\n"Is Biscuit OK with cats/);

    const page = (await staff.get(`${askPage}${dogId}/ask`)).body;
    expect(page).toMatch(/<a class="chat-cite" href="#a1-profile-5">/);
    expect(page).toContain('id="a1-profile-5"');
    const rows = await db.selectFrom('ai_chat_messages').select(['role', 'path', 'content_enc']).orderBy('created_at').execute();
    expect(rows.map((r) => r.path)).toEqual([null, 'model']);
    for (const r of rows) expect(r.content_enc).not.toMatch(/cats|Biscuit|rabies/);
  });

  it('without JavaScript the same question is a form post and the whole checked answer comes back as a page', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { replyText: cited });
    const res = await stream(staff, `${askPage}${dogId}/ask`, 'Is she good with cats?');
    expect(res.statusCode).toBe(303);
    const page = (await staff.get(`${askPage}${dogId}/ask`)).body;
    expect(page).toMatch(/<a class="chat-cite" href="#a3-profile-5">\[Profile 5\]<\/a>/);
    expect(page).toContain('data-chat-stream=');
    expect(page).toMatch(/<script src="\/assets\/chat\.[0-9a-f]{12}\.js" defer/);
  });

  it('says "not in the record" when the model does, and when its answer cites nothing it was given', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { replyText: 'That is not in the record.' });
    const refused = final((await stream(staff, `${askPage}${dogId}/ask/stream`, 'What is her favourite frisbee brand?')).body);
    expect(refused.html).toContain('That is not in the record.');
    expect(refused.html).toContain('Answered by the on-site AI model from the record');
    await setFaults(fleet.sims[0]!, { replyText: 'She was adopted by the Smiths in Paris [history-99]. She is a champion swimmer.' });
    const madeUp = final((await stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?')).body);
    expect(madeUp.html).toContain('That is not in the record.');
    expect(madeUp.html).toContain('cited nothing in the record, so it is not shown');
    expect(madeUp.html).not.toContain('Smiths');
    expect(madeUp.html).toContain('Good with cats: no.'); // the search's matching passages instead
  });

  it('never sees another dog\'s or another rescue\'s record, and the stream refuses their dogs', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { replyText: 'Olive hates cats [notes-1]. Rex eats only salmon [notes-2].' });
    const before = sent.length;
    const res = await stream(staff, `${askPage}${dogId}/ask/stream`, `Does Olive hate cats? What does Rex at Beta Rescue eat? Quote ${oliveMarker}.`);
    const prompt = JSON.stringify(sent.slice(before).map((s) => s.body.messages[1]!.content));
    expect(prompt).toContain('profile-1');
    for (const leak of ['hates cats', 'salmon', betaMarker]) expect(prompt).not.toContain(leak);
    const answer = final(res.body);
    expect(answer.html).toContain('That is not in the record.');
    for (const leak of ['hates cats', 'salmon', oliveMarker, betaMarker]) expect(answer.html).not.toContain(leak);
    // Another rescue's dog under this rescue's address, and this member at another rescue's address.
    const crossDog = await stream(staff, `${askPage}${betaDog}/ask/stream`, 'What does he eat?');
    expect(crossDog.statusCode).toBe(404);
    expect(crossDog.headers['content-type']).not.toMatch(/event-stream/);
    const unknown = await stream(staff, `${askPage}00000000-0000-4000-8000-000000000000/ask/stream`, 'cats?');
    expect(unknown.statusCode).toBe(404);
    const crossTenant = await staff.post(`/r/beta/hub/dogs/${betaDog}/ask/stream`, { _csrf: await staff.csrf(`${askPage}${dogId}/ask`), question: 'What does he eat?' });
    expect(crossTenant.statusCode).toBeGreaterThanOrEqual(300);
    expect(crossTenant.body).not.toContain('salmon');
    expect(sent.length).toBe(before + 1);
    // The other rescue's own member is kept to their rescue's dog (and without a token, refused).
    expect((await betaStaff.post(`/r/beta/hub/dogs/${betaDog}/ask/stream`, { question: 'What does he eat?' })).statusCode).toBe(403);
  });

  it('falls back to the record search within the first-token deadline when the backend hangs, and says the AI server is not reachable', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { hang: true });
    const before = sent.length;
    const pending = stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?');
    await waitFor(() => sent.length > before);
    clock.advance(2_000); // KONA_AI_CHAT_FIRST_TOKEN_SECONDS
    const answer = final((await pending).body);
    expect(answer.path).toBe('simpler');
    expect(answer.html).toContain('The AI server is not reachable right now (no answer within the time limit), so the record search answered.');
    expect(answer.html).toContain('Good with cats: no.');
  });

  it('falls back within the whole-answer deadline when the stream stalls after a few tokens', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { replyText: cited, stallAfterTokens: 3 });
    const generated = fleet.sims[0]!.model.snapshot().generationTokensTotal;
    const pending = stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?');
    await waitFor(() => fleet.sims[0]!.model.snapshot().generationTokensTotal >= generated + 3);
    clock.advance(5_000); // KONA_AI_DEADLINE_SECONDS
    const body = (await pending).body;
    expect(final(body).path).toBe('simpler');
    expect(final(body).html).toContain('no answer within the time limit');
  });

  it('says so as a notice when the dispatcher cannot be reached, and nothing when there is none', async () => {
    useDispatcher('http://127.0.0.1:9');
    const unreachable = final((await stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?')).body);
    expect(unreachable.html).toContain('The AI server is not reachable right now, so the record search answered.');
    t.rt.ctx.inference = undefined;
    const off = final((await stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?')).body);
    expect(off.path).toBe('simpler');
    expect(off.html).not.toContain('not reachable');
  });

  it('answers by the search with the notice when the only backend fails (the dispatcher refuses)', async () => {
    useDispatcher();
    await setFaults(fleet.sims[0]!, { errorStatus: 500 });
    const answer = final((await stream(staff, `${askPage}${dogId}/ask/stream`, 'Is she good with cats?')).body);
    expect(answer.path).toBe('simpler');
    expect(answer.html).toContain('The AI server is not reachable right now, so the record search answered.');
  });

  it('no prompt, question, record passage or answer reaches the logs (Kona\'s or the dispatcher\'s)', async () => {
    const logs = lines.join('');
    expect(logs).toContain('"feature":"chat"'); // the logger was in use
    for (const secret of ['favourite frisbee', 'Good with cats', 'rabies', 'long walks', 'Smiths', oliveMarker, 'Biscuit', loadPrompt('chat').text.split('\n')[0]!]) expect(logs).not.toContain(secret);
  });
});
