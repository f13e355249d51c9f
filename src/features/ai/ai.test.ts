import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { DispatcherClient } from '../../inference/client.js';
import { startFleet, type Fleet } from '../../inference/dispatcher/dispatcher.testing.js';
import { setFaults } from '../../inference/simulator/simulator.testing.js';
import { listAudit } from '../../platform/audit/audit.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { samplePhoto } from '../../platform/images/sample-images.testing.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { multipartBody } from '../photos/photos.testing.js';
import { altTextOutput } from './ai.alt-text.js';
import { bioOutput } from './ai.bio.js';
import type { AiRuntime } from './ai.feature.js';
import { textFieldsOf } from './ai.fields.js';
import { draftWaitingAltText } from './ai.jobs.js';
import { loadPrompt } from './ai.prompts.js';
import { aiRuntimeFrom } from './ai.runtime.js';
import { approveDraft, draftAltText, draftBio, draftSocialPosts, openDrafts, type AiDeps } from './ai.service.js';
import { platformLimits, socialOutput } from './ai.social.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// A note with a person's contact details and a marker: neither may reach a log or a social post.
const marker = 'Quokka-7731';
const note = `Walked nicely with Jane Roe (jane.roe@example.org, 555-010-7788) today. ${marker} loves the park.`;

describe.each(engines)('AI helpers on %s', (engine) => {
  let t: TestApp;
  let fleet: Fleet;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let dogId: string;
  let photoId: string;
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  const client = () => new DispatcherClient({ baseUrl: fleet.dispatcher.url });
  const rt = (over: Partial<AiRuntime> = {}): AiRuntime => ({ ...aiRuntimeFrom(t.rt.ctx.config, client(), 'alpha', logger), ...over });
  const deps = (over: Partial<AiRuntime> = {}): AiDeps => ({ db, ring: t.rt.ctx.secrets.keyRing, rt: rt(over), actor: { type: 'system' }, today: '2026-12-07' });
  const draftRow = (id: string) => db.selectFrom('ai_drafts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const page = async () => (await staff.get(`/r/alpha/hub/dogs/${dogId}`)).body;

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, server: { logger } });
    t = await createTestApp(engine, { KONA_AI_MODEL: 'm' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name: 'Biscuit', sex: 'female', size: 'medium', intake_date: '2026-03-01', intake_type: 'stray', colour: 'Brown' });
    dogId = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
    await db.updateTable('dogs').set({ breeds: ['Labrador'], good_with_dogs: 'yes', energy: 'high' }).where('id', '=', dogId).execute();
    await db.insertInto('dog_notes').values({ dog_id: dogId, author_id: null, body: note }).execute();
    // A photo uploaded by staff is approved at once (red left half, blue right half).
    const { payload, contentType } = multipartBody([{ name: '_csrf', value: csrfFrom(await page()) }, { name: 'photos', filename: 'dog.jpg', type: 'image/jpeg', data: await samplePhoto({ width: 300, height: 200 }) }]);
    const cookie = Object.entries(staff.cookies()).map(([k, v]) => `${k}=${v}`).join('; ');
    expect((await t.app.inject({ method: 'POST', url: `/r/alpha/hub/dogs/${dogId}/photos`, payload, headers: { 'content-type': contentType, cookie } })).statusCode).toBe(200);
    photoId = (await db.selectFrom('dog_photos').select('id').where('dog_id', '=', dogId).executeTakeFirstOrThrow()).id;
  });
  afterEach(async () => {
    t.rt.ctx.inference = undefined;
    await setFaults(fleet.sims[0]!, {});
  });
  afterAll(async () => {
    await t?.close();
    await fleet?.close();
  });

  it('bio, model path: the hub button drafts through the dispatcher, the page says so, and edit-then-approve writes the description through dogs (audited)', async () => {
    t.rt.ctx.inference = client();
    const res = await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/bio`, { _csrf: csrfFrom(await page()), tone: 'funny' });
    expect(res.statusCode).toBe(303);
    const [draft] = await openDrafts(db, t.rt.ctx.secrets.keyRing, dogId);
    const row = await draftRow(draft!.id);
    expect(row).toMatchObject({ feature: 'bio', subject_kind: 'dog', subject_id: dogId, path: 'model', fallback_reason: null, model: 'm', backend: 'b0', prompt_version: loadPrompt('bio').version, status: 'draft' });
    expect(bioOutput.safeParse(draft!.output).success).toBe(true);
    expect(row.output_enc).not.toContain(String(draft!.output.bio).slice(0, 12)); // stored encrypted
    const html = await page();
    expect(html).toContain('Made by the AI model (m)');
    expect(html).not.toContain('not reachable');
    // Nothing is published before approval.
    expect((await db.selectFrom('dogs').select('public_description').where('id', '=', dogId).executeTakeFirstOrThrow()).public_description).toBe('');
    const edited = 'Biscuit is a bouncy Labrador who would love a home with another dog to play with.';
    const approve = await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/drafts/${draft!.id}/approve`, { _csrf: csrfFrom(html), 'f.bio': edited });
    expect(approve.headers.location).toContain('done=ai-approved');
    expect((await db.selectFrom('dogs').select('public_description').where('id', '=', dogId).executeTakeFirstOrThrow()).public_description).toBe(edited);
    expect(await draftRow(draft!.id)).toMatchObject({ status: 'edited' });
    const audit = await listAudit(db, 5);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['dog.updated', 'ai.draft_edited']));
    expect(audit.find((a) => a.action === 'dog.updated')!.detail).toMatchObject({ fields: ['public_description'], source: 'ai-draft' });
    // A decided draft cannot be approved again.
    expect((await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/drafts/${draft!.id}/approve`, { _csrf: csrfFrom(html) })).statusCode).toBe(409);
  });

  it('bio, simpler path: without a dispatcher the template answers, the page shows a notice (not an error), and approving publishes it', async () => {
    const res = await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/bio`, { _csrf: csrfFrom(await page()), tone: 'warm' });
    expect(res.statusCode).toBe(303);
    const html = await page();
    expect(html).toContain('Made by the simpler path');
    expect(html).toMatch(/class="notice" role="status">No AI server is set up/);
    const [draft] = await openDrafts(db, t.rt.ctx.secrets.keyRing, dogId);
    expect(draft).toMatchObject({ path: 'simpler', reason: 'off' });
    expect(String(draft!.output.bio)).toMatch(/^Meet Biscuit! Biscuit is a medium-sized brown Labrador\. She has high energy\. She gets on well with other dogs\./);
    await approveDraft({ ...deps(), actor: { type: 'staff', id: null } }, dogId, draft!.id);
    expect((await db.selectFrom('dogs').select('public_description').where('id', '=', dogId).executeTakeFirstOrThrow()).public_description).toBe(draft!.output.bio);
  });

  it('an unreachable AI server is a notice on the page, and the draft still comes from the template', async () => {
    t.rt.ctx.inference = new DispatcherClient({ baseUrl: 'http://127.0.0.1:9' });
    expect((await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/social`, { _csrf: csrfFrom(await page()) })).statusCode).toBe(303);
    const html = await page();
    expect(html).toMatch(/class="notice" role="status">The AI server is not reachable right now/);
    expect(html).not.toContain('role="alert"');
  });

  it('deadline: with a hung backend every feature falls back to its simpler path within the deadline', async () => {
    await setFaults(fleet.sims[0]!, { hang: true });
    const quick = { deadlineMs: { drafting: 400, batch: 400 } };
    const started = performance.now();
    const ids = [await draftBio(deps(quick), dogId, 'short'), await draftSocialPosts(deps(quick), dogId), await draftAltText(deps(quick), dogId, photoId)];
    expect(performance.now() - started).toBeLessThan(3 * 400 + 3000);
    for (const id of ids) expect(await draftRow(id)).toMatchObject({ path: 'simpler', fallback_reason: 'deadline', model: null });
  });

  it('with a vision model configured, the bio sends the approved photo to it as an image part and the model path answers', async () => {
    const bio = await draftRow(await draftBio({ ...deps({ visionModel: 'm' }), store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha') }, dogId, 'warm'));
    expect(bio).toMatchObject({ path: 'model', model: 'm' });
    const plain = await draftRow(await draftBio(deps(), dogId, 'warm'));
    expect(bio.input_digest).not.toBe(plain.input_digest); // the image is part of what the draft was made from
  });

  it('an answer that fails validation twice gives the simpler path', async () => {
    await setFaults(fleet.sims[0]!, { badJson: true });
    expect(await draftRow(await draftBio(deps(), dogId, 'warm'))).toMatchObject({ path: 'simpler', fallback_reason: 'invalid' });
  });

  it('alt text, model path from the per-photo button; approving writes the photo\'s alt text through photos (audited)', async () => {
    t.rt.ctx.inference = client();
    expect((await staff.post(`/r/alpha/hub/dogs/${dogId}/photos/${photoId}/ai/alt-text`, { _csrf: csrfFrom(await page()) })).statusCode).toBe(303);
    const draft = (await openDrafts(db, t.rt.ctx.secrets.keyRing, dogId)).find((d) => d.feature === 'alt-text' && d.path === 'model')!;
    expect(altTextOutput.safeParse(draft.output).success).toBe(true);
    expect(await draftRow(draft.id)).toMatchObject({ subject_kind: 'photo', subject_id: photoId, backend: 'b0' });
    const html = await page();
    expect(html).toContain('Alt text draft for photo 1');
    await staff.post(`/r/alpha/hub/dogs/${dogId}/ai/drafts/${draft.id}/approve`, { _csrf: csrfFrom(html) });
    expect((await db.selectFrom('dog_photos').select('alt_text').where('id', '=', photoId).executeTakeFirstOrThrow()).alt_text).toBe(draft.output.altText);
    expect((await listAudit(db, 3)).map((a) => a.action)).toEqual(expect.arrayContaining(['photo.alt_text_changed', 'ai.draft_approved']));
  });

  it('alt text, simpler path: breed, colour and size from the record and the photo\'s dominant colours; the batch job drafts each waiting photo once', async () => {
    await db.updateTable('dog_photos').set({ alt_text: '' }).where('id', '=', photoId).execute();
    await db.deleteFrom('ai_drafts').where('feature', '=', 'alt-text').execute();
    const jobDeps = { config: t.rt.ctx.config, keyRing: () => t.rt.ctx.secrets.keyRing, inference: () => undefined, now: () => Date.parse('2026-12-07T12:00:00Z') };
    expect(await draftWaitingAltText(db, 'alpha', jobDeps)).toBe(1);
    expect(await draftWaitingAltText(db, 'alpha', jobDeps)).toBe(0);
    const draft = (await openDrafts(db, t.rt.ctx.secrets.keyRing, dogId)).find((d) => d.feature === 'alt-text')!;
    expect(draft).toMatchObject({ path: 'simpler', reason: 'off' });
    expect(draft.output.altText).toBe('Biscuit, a medium-sized brown Labrador, in a picture with mostly blue and red tones.');
  });

  it('social posts, model and simpler paths: every post within its platform\'s limit and without the notes\' person data; approving only records the decision', async () => {
    const model = await draftRow(await draftSocialPosts(deps(), dogId));
    const simpler = await draftRow(await draftSocialPosts(deps({ client: undefined }), dogId));
    expect([model.path, simpler.path]).toEqual(['model', 'simpler']);
    for (const row of [model, simpler]) {
      const output = JSON.parse(t.rt.ctx.secrets.keyRing.decrypt(row.output_enc)) as Record<string, { short: string; long: string }>;
      expect(socialOutput.safeParse(output).success).toBe(true);
      for (const [platform, limit] of Object.entries(platformLimits)) expect(output[platform]!.long.length).toBeLessThanOrEqual(limit);
      expect(JSON.stringify(output)).not.toMatch(/Jane|example\.org|555-010/);
    }
    const before = await db.selectFrom('dogs').select(['public_description', 'updated_at']).where('id', '=', dogId).executeTakeFirstOrThrow();
    expect(await approveDraft(deps(), dogId, simpler.id)).toBe('approved');
    expect(await db.selectFrom('dogs').select(['public_description', 'updated_at']).where('id', '=', dogId).executeTakeFirstOrThrow()).toEqual(before);
    expect((await listAudit(db, 1))[0]).toMatchObject({ action: 'ai.draft_approved' });
  });

  it('a viewer cannot draft, approve or discard', async () => {
    const { browser: viewer } = await signedInStaff(t, 'alpha', 'viewer');
    const draftId = await draftBio(deps(), dogId, 'short');
    const html = (await viewer.get(`/r/alpha/hub/dogs/${dogId}`)).body;
    expect(html).not.toContain('Draft bio');
    expect((await viewer.post(`/r/alpha/hub/dogs/${dogId}/ai/bio`, { _csrf: csrfFrom(html) })).statusCode).toBe(403);
    expect((await viewer.post(`/r/alpha/hub/dogs/${dogId}/ai/drafts/${draftId}/approve`, { _csrf: csrfFrom(html) })).statusCode).toBe(403);
    expect(await draftRow(draftId)).toMatchObject({ status: 'draft' });
  });

  it('no prompt, record text or output reaches the logs (Kona\'s or the dispatcher\'s), on either path', async () => {
    const outputs = [await draftBio(deps(), dogId, 'warm'), await draftSocialPosts(deps(), dogId), await draftAltText(deps(), dogId, photoId), await draftBio(deps({ client: undefined }), dogId, 'funny')];
    const logs = lines.join('');
    expect(logs).toContain('"feature":"bio"'); // the logger was in use
    for (const id of outputs) {
      const output = t.rt.ctx.secrets.keyRing.decrypt((await draftRow(id)).output_enc);
      for (const [, text] of textFieldsOf(JSON.parse(output) as Record<string, unknown>)) expect(logs).not.toContain(text.slice(0, 30));
    }
    for (const secret of [marker, 'jane.roe', 'Biscuit', loadPrompt('bio').text.split('\n')[0]!, loadPrompt('social').text.split('\n')[0]!]) expect(logs).not.toContain(secret);
  });

  // Last: it opens the backend's breaker, which stays open on the dispatcher's test clock.
  it('when no backend can answer (the only one failing), the dispatcher\'s refusal gives the simpler path', async () => {
    await setFaults(fleet.sims[0]!, { errorStatus: 500 });
    expect(await draftRow(await draftSocialPosts(deps(), dogId))).toMatchObject({ path: 'simpler', fallback_reason: 'breakers_open' });
  });
});
