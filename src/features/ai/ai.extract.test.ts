import { Readable, Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, csrfFrom, signedInStaff, type Browser, type TestApp } from '../../../test/harness/app.js';
import { engines } from '../../../test/harness/databases.js';
import { createJobRunner } from '../../apps/web.js';
import { DispatcherClient } from '../../inference/client.js';
import { startFleet, type Fleet } from '../../inference/dispatcher/dispatcher.testing.js';
import { setFaults } from '../../inference/simulator/simulator.testing.js';
import { listAudit } from '../../platform/audit/audit.js';
import { enqueueJob } from '../../platform/jobs/index.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { documentFile, uploadDocument } from '../medical/documents.testing.js';
import { photoStoreFor } from '../photos/photos.public.js';
import { extractFeature, findPassage, proposalsOf, rulesAsOutput, type ExtractOutput, type Proposal } from './ai.extract.js';
import { decideProposal, extractDocumentDraft, latestExtraction, type ExtractDeps } from './ai.extract.service.js';
import type { AiRuntime } from './ai.feature.js';
import { loadPrompt } from './ai.prompts.js';
import { aiRuntimeFrom } from './ai.runtime.js';
import { encryptedPdf, textPdf } from './extract/extract.testing.js';
import { extractFields } from './extract/extract.public.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

// Date columns come back as Date from one driver and as text from another.
const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

// A vet record whose clinic, vet and microchip are the "document text" that must never reach a log.
const vetLines = ['Riverside Animal Clinic', 'Attending vet: Dr. Alice Meyer', 'Patient: Biscuit  Microchip: 985112003456789', 'Weight: 18.4 kg', 'Spayed: yes',
  'Rabies vaccine given 2026-03-14, next due 2027-03-14', 'DHPP given 2026-03-14, next due 2027-03-14', 'Bravecto given 2026-03-14'];

// A second page with a text layer (a page with almost no text is sent to OCR, which takes seconds to start).
const pageTwo = (tag: string) => [`Page two of the record (${tag}): nothing more to add.`];

describe('proposed entries from the rules and the model', () => {
  const pages = [vetLines.join('\n')];
  const rules = extractFields(pages, { ocr: false });

  it('the simpler path proposes what the rules read, each with its passage', () => {
    const proposals = proposalsOf({ pages, rules }, extractFeature.simpler({ pages, rules }), 'simpler');
    expect(proposals.map((p) => [p.kind, p.value, p.madeBy])).toEqual([
      ['vaccination', 'Rabies', 'rules'], ['vaccination', 'DHPP', 'rules'], ['treatment', 'Bravecto', 'rules'], ['microchip', '985112003456789', 'rules'],
      ['weight', 18.4, 'rules'], ['spayNeuter', true, 'rules'], ['clinic', 'Riverside Animal Clinic', 'rules'], ['vet', 'Dr. Alice Meyer', 'rules'],
    ]);
    expect(proposals[0]!.passage).toEqual({ page: 1, line: 6, text: 'Rabies vaccine given 2026-03-14, next due 2027-03-14' });
  });

  it('the model path keeps a correction whose passage is in the document and drops a field whose passage is not', () => {
    const output: ExtractOutput = {
      ...rulesAsOutput(rules),
      vaccinations: [
        { name: 'DHPP', given: '2026-03-14', due: '2027-03-15', passage: 'dhpp GIVEN 2026-03-14,  next due' },
        { name: 'Leptospirosis', given: '2026-01-01', due: null, passage: 'Lepto given 2026-01-01' },
      ],
      microchip: { value: '111111111', passage: 'Microchip: 111111111' },
    };
    const proposals = proposalsOf({ pages, rules }, output, 'model');
    const vaccines = proposals.filter((p) => p.kind === 'vaccination');
    expect(vaccines.map((p) => [p.value, p.due, p.madeBy])).toEqual([['DHPP', '2027-03-15', 'model'], ['Rabies', '2027-03-14', 'rules']]);
    expect(vaccines[0]!.passage).toMatchObject({ page: 1, line: 7 });
    expect(proposals.find((p) => p.kind === 'microchip')).toMatchObject({ value: '985112003456789', madeBy: 'rules' });
    expect(proposals.some((p) => p.value === 'Leptospirosis')).toBe(false);
  });

  it('finds a passage across a line break, but not one too short to mean anything', () => {
    expect(findPassage(['Rabies vaccine\ngiven 2026-03-14'], 'vaccine given 2026')).toMatchObject({ line: 1, text: 'Rabies vaccine given 2026-03-14' });
    expect(findPassage(pages, '20')).toBeUndefined();
  });
});

describe.each(engines)('vet document extraction on %s', (engine) => {
  let t: TestApp;
  let fleet: Fleet;
  let db: Kysely<TenantSchema>;
  let staff: Browser;
  let dogId: string;
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
  const client = () => new DispatcherClient({ baseUrl: fleet.dispatcher.url });
  const rt = (over: Partial<AiRuntime> = {}): AiRuntime => ({ ...aiRuntimeFrom(t.rt.ctx.config, client(), 'alpha', logger), ...over });
  const deps = (over: Partial<AiRuntime> = {}): ExtractDeps => ({ db, ring: t.rt.ctx.secrets.keyRing, rt: rt(over), actor: { type: 'system' }, today: '2026-12-07', store: photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha') });
  const draftRow = (id: string) => db.selectFrom('ai_drafts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const extractionUrl = (docId: string) => `/r/alpha/hub/dogs/${dogId}/documents/${docId}/extraction`;
  const runJobs = async () => (await createJobRunner(t.rt, logger)).runOnce();
  const queue = async (documentId: string) => enqueueJob((await t.rt.ctx.tenants.get('alpha'))!.db, t.rt.jobs, 'ai.extract-document', { dogId, documentId });

  // Stores bytes as a document without the upload's checks (they refuse some of the unreadable files first).
  async function storedDocument(bytes: Buffer, title: string, contentType: 'application/pdf' | 'image/png' = 'application/pdf'): Promise<string> {
    const put = await photoStoreFor(t.rt.ctx.config.uploadsDir, 'alpha').putStream(Readable.from([bytes]), { maxBytes: bytes.byteLength });
    const row = await db.insertInto('medical_documents').values({ dog_id: dogId, sha256: put.sha256, content_type: contentType, size_bytes: put.size, title, original_name: `${title}.pdf`, uploaded_by: null }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  beforeAll(async () => {
    fleet = await startFleet({ count: 1, server: { logger } });
    t = await createTestApp(engine, { KONA_AI_MODEL: 'm' });
    await t.addTenant('alpha');
    ({ browser: staff } = await signedInStaff(t, 'alpha', 'staff'));
    db = (await t.rt.ctx.tenants.get('alpha'))!.db.kysely;
    const res = await staff.post('/r/alpha/hub/dogs', { _csrf: await staff.csrf('/r/alpha/hub/dogs'), name: 'Biscuit', sex: 'female', size: 'medium', intake_date: '2026-03-01', intake_type: 'stray' });
    dogId = /\/hub\/dogs\/([0-9a-f-]{36})\?done=/.exec(res.headers.location ?? '')![1]!;
  });
  afterEach(async () => {
    t.rt.ctx.inference = undefined;
    await setFaults(fleet.sims[0]!, {});
  });
  afterAll(async () => {
    await t?.close();
    await fleet?.close();
  });

  it('an upload queues the job (the request reads nothing); the worker proposes entries with passages; confirm writes a vaccination (audited), twice is refused, dismiss records only the decision', async () => {
    const upload = await uploadDocument(t, staff, 'alpha', dogId, documentFile(Buffer.from(await textPdf([vetLines])), 'riverside.pdf', 'application/pdf'), { title: 'Riverside record' });
    expect(upload.statusCode).toBe(303);
    const docId = (await db.selectFrom('medical_documents').select('id').where('title', '=', 'Riverside record').executeTakeFirstOrThrow()).id;
    const queued = await db.selectFrom('jobs').select(['name', 'status', 'payload']).where('name', '=', 'ai.extract-document').execute();
    expect(queued).toEqual([{ name: 'ai.extract-document', status: 'queued', payload: { dogId, documentId: docId } }]);
    expect(await db.selectFrom('ai_drafts').select('id').where('subject_id', '=', docId).execute()).toEqual([]);
    expect((await staff.get(extractionUrl(docId))).body).toContain('waiting to be read');
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}/medical`)).body).toContain(`/documents/${docId}/extraction`);

    await runJobs();
    const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, docId))!;
    expect(view).toMatchObject({ path: 'simpler', reason: 'off' });
    expect(await draftRow(view.id)).toMatchObject({ feature: 'extract-document', subject_kind: 'document', dog_id: dogId, status: 'draft', prompt_version: loadPrompt('extract').version });
    expect((await draftRow(view.id)).output_enc).not.toContain('Riverside');
    let html = (await staff.get(extractionUrl(docId))).body;
    expect(html).toContain('Read by the reading rules (no AI model)');
    expect(html).toContain('Vaccination: Rabies (given 2026-03-14, next due 2027-03-14)');
    expect(html).toContain('Rabies vaccine given 2026-03-14, next due 2027-03-14</p>');
    expect(html).toContain('Page 1, line 6');
    expect(html).toMatch(/No AI server is set up/);

    const base = `${extractionUrl(docId)}/${view.id}/proposals`;
    const confirm = await staff.post(`${base}/p1/confirm`, { _csrf: csrfFrom(html) });
    expect(confirm.headers.location).toContain('done=confirmed');
    expect((await db.selectFrom('vaccinations').select(['type', 'given_on', 'due_on', 'given_by']).where('dog_id', '=', dogId).execute()).map((v) => ({ ...v, given_on: day(v.given_on), due_on: day(v.due_on) })))
      .toEqual([{ type: 'rabies', given_on: '2026-03-14', due_on: '2027-03-14', given_by: 'Dr. Alice Meyer' }]);
    expect((await listAudit(db, 3)).map((a) => a.action)).toEqual(expect.arrayContaining(['medical.vaccination_added', 'ai.proposal_confirmed']));
    html = (await staff.get(extractionUrl(docId))).body;
    expect(html).toMatch(/data-proposal="vaccination" data-decision="confirmed"/);
    const again = await staff.post(`${base}/p1/confirm`, { _csrf: csrfFrom(html) });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('That proposed entry was already confirmed. Nothing was written again.');
    expect(await db.selectFrom('vaccinations').select('id').where('dog_id', '=', dogId).execute()).toHaveLength(1);

    expect((await staff.post(`${base}/p2/dismiss`, { _csrf: csrfFrom(html) })).headers.location).toContain('done=dismissed');
    expect(await db.selectFrom('vaccinations').select('id').where('dog_id', '=', dogId).execute()).toHaveLength(1);
    // The microchip and the weight go through dogs' own service; the medical timeline shows the vaccination.
    await staff.post(`${base}/p4/confirm`, { _csrf: csrfFrom(html) });
    await staff.post(`${base}/p5/confirm`, { _csrf: csrfFrom(html) });
    expect(await db.selectFrom('dogs').select('microchip').where('id', '=', dogId).executeTakeFirstOrThrow()).toEqual({ microchip: '985112003456789' });
    expect((await db.selectFrom('dog_weights').select(['weighed_on', 'kg']).where('dog_id', '=', dogId).execute()).map((w) => [day(w.weighed_on), Number(w.kg)])).toEqual([['2026-03-14', 18.4]]);
    expect((await listAudit(db, 6)).map((a) => a.action)).toEqual(expect.arrayContaining(['dog.updated', 'dog.weight_recorded', 'ai.proposal_dismissed']));
    expect((await staff.get(`/r/alpha/hub/dogs/${dogId}/medical`)).body).toMatch(/Rabies/);
    // Another document's draft cannot be decided through this document's URL.
    const otherDoc = await storedDocument(Buffer.from(await textPdf([['Bordetella next due 2027-01-05', 'Kennel cough booster only, nothing given today.']])), 'Due only');
    expect((await staff.post(`${extractionUrl(otherDoc)}/${view.id}/proposals/p3/confirm`, { _csrf: csrfFrom(html) })).statusCode).toBe(404);
  });

  it('a vaccination with no date given cannot be confirmed: a clear refusal, nothing written, the proposal still open', async () => {
    const docId = (await db.selectFrom('medical_documents').select('id').where('title', '=', 'Due only').executeTakeFirstOrThrow()).id;
    const draftId = await extractDocumentDraft(deps({ client: undefined }), dogId, docId);
    const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, docId))!;
    expect(view.extraction.ok && view.extraction.proposals[0]).toMatchObject({ id: 'p1', kind: 'vaccination', value: 'Bordetella', due: '2027-01-05' });
    const before = await db.selectFrom('vaccinations').select('id').where('dog_id', '=', dogId).execute();
    const html = (await staff.get(extractionUrl(docId))).body;
    const res = await staff.post(`${extractionUrl(docId)}/${draftId}/proposals/p1/confirm`, { _csrf: csrfFrom(html) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('The document gives no date for this vaccination, so it was not recorded. Add it by hand with its date.');
    expect(res.body).toMatch(/data-proposal="vaccination" data-decision="open"/);
    expect(await db.selectFrom('vaccinations').select('id').where('dog_id', '=', dogId).execute()).toEqual(before);
    // Once every proposal is decided, the draft is too: all dismissed, it is discarded.
    expect(await draftRow(draftId)).toMatchObject({ status: 'draft' });
    const open = view.extraction.ok ? view.extraction.proposals : [];
    for (const p of open) await decideProposal({ ...deps(), actor: { type: 'staff', id: null } }, { dogId, documentId: docId, draftId, proposalId: p.id }, 'dismissed');
    expect(await draftRow(draftId)).toMatchObject({ status: 'discarded' });
  });

  it('the model path through the simulator (json_schema): the draft says model, and every proposal keeps a passage that is in the document', async () => {
    const docId = await storedDocument(Buffer.from(await textPdf([vetLines, pageTwo('model')])), 'Model read');
    const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, await extractDocumentDraft(deps(), dogId, docId).then(() => docId)))!;
    expect(view).toMatchObject({ path: 'model', model: 'm', reason: null });
    expect(await draftRow(view.id)).toMatchObject({ backend: 'b0', fallback_reason: null });
    if (!view.extraction.ok) throw new Error('not read');
    const text = vetLines.join('\n').toLowerCase();
    for (const p of view.extraction.proposals) expect(text).toContain(p.passage.text.toLowerCase().replace(/\s+/g, ' ').split(' ').slice(0, 2).join(' '));
    // The simulator's invented fields quote nothing of the document, so the rules' fields all stay.
    expect(view.extraction.proposals.filter((p: Proposal) => p.madeBy === 'rules').map((p) => p.kind)).toEqual(expect.arrayContaining(['vaccination', 'treatment', 'microchip', 'weight']));
    expect((await staff.get(extractionUrl(docId))).body).toContain('The AI model (m) checked what the reading rules found');
  });

  it('deadline: a hung backend gives the rules\' proposals within the batch deadline', async () => {
    await setFaults(fleet.sims[0]!, { hang: true });
    const docId = await storedDocument(Buffer.from(await textPdf([vetLines, pageTwo('hung')])), 'Hung');
    const started = performance.now();
    await extractDocumentDraft(deps({ deadlineMs: { drafting: 400, batch: 400 } }), dogId, docId);
    const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, docId))!;
    // The model call gave up at the deadline; the whole job (reading the PDF too) is bounded, with room for a busy machine.
    const latency = (await draftRow(view.id)).latency_ms;
    expect(latency).toBeGreaterThanOrEqual(400);
    expect(latency).toBeLessThan(400 + 2000);
    expect(performance.now() - started).toBeLessThan(400 + 4000);
    expect(view).toMatchObject({ path: 'simpler', reason: 'deadline' });
    expect(view.extraction.ok && view.extraction.proposals.length).toBe(8);
    expect((await staff.get(extractionUrl(docId))).body).toContain('did not answer in time');
  });

  it('unreadable documents (encrypted, no pages, 300 pages, an image too small, a corrupt file) get a draft that says why, shown as a notice', async () => {
    t.rt.ctx.inference = client();
    const tiny = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#fff' } }).png().toBuffer();
    const cases: [Buffer, string, string][] = [
      [Buffer.from(await encryptedPdf()), 'Locked', 'password-protected'],
      [Buffer.from(await (await PDFDocument.create()).save({ addDefaultPage: false })), 'Empty', 'This PDF has no pages.'],
      [tiny, 'Tiny', 'too small to read'],
      [Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog'), 'Broken', 'damaged'],
    ];
    for (const [bytes, title, says] of cases) {
      const docId = await storedDocument(bytes, title, title === 'Tiny' ? 'image/png' : 'application/pdf');
      await queue(docId);
      await runJobs();
      const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, docId))!;
      expect(view, title).toMatchObject({ path: 'simpler', reason: 'unreadable', extraction: { ok: false } });
      const page = await staff.get(extractionUrl(docId));
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(new RegExp(`class="notice" role="status" data-unreadable="[a-z-]+">This document could not be read: [^<]*${says}`));
    }
    const long = await storedDocument(Buffer.from(await textPdf(Array.from({ length: 300 }, (_, i) => [`Page ${i + 1}`, 'Rabies given 2025-03-14']))), 'Long');
    await extractDocumentDraft({ ...deps({ client: undefined }), limits: { maxPages: 3 } }, dogId, long);
    expect((await staff.get(extractionUrl(long))).body).toContain('Only the first 3 of its 300 pages were read.');
    expect(await db.selectFrom('jobs').select('status').where('name', '=', 'ai.extract-document').where('status', '!=', 'succeeded').execute()).toEqual([]);
  });

  it('"Extract again" queues another reading; a viewer (no medical.edit) can read the proposals but not confirm, dismiss or extract', async () => {
    const docId = (await db.selectFrom('medical_documents').select('id').where('title', '=', 'Riverside record').executeTakeFirstOrThrow()).id;
    const html = (await staff.get(extractionUrl(docId))).body;
    const res = await staff.post(`/r/alpha/hub/dogs/${dogId}/documents/${docId}/extract`, { _csrf: csrfFrom(html) });
    expect(res.headers.location).toContain('done=queued');
    expect(await db.selectFrom('jobs').select('id').where('name', '=', 'ai.extract-document').where('status', '=', 'queued').execute()).toHaveLength(1);
    await runJobs();
    const view = (await latestExtraction(db, t.rt.ctx.secrets.keyRing, dogId, docId))!;
    // The rabies vaccination confirmed from the first reading is in the record: the new reading's proposal of it is refused.
    const again = await staff.post(`${extractionUrl(docId)}/${view.id}/proposals/p1/confirm`, { _csrf: csrfFrom(html) });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('The Rabies vaccination of 2026-03-14 is already in the medical record, so it was not recorded again.');
    expect(await db.selectFrom('vaccinations').select('id').where('dog_id', '=', dogId).where('type', '=', 'rabies').execute()).toHaveLength(1);
    const { browser: viewer } = await signedInStaff(t, 'alpha', 'viewer');
    const seen = await viewer.get(extractionUrl(docId));
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('>Confirm<');
    for (const url of [`${extractionUrl(docId)}/${view.id}/proposals/p3/confirm`, `${extractionUrl(docId)}/${view.id}/proposals/p3/dismiss`, `/r/alpha/hub/dogs/${dogId}/documents/${docId}/extract`]) {
      expect((await viewer.post(url, { _csrf: csrfFrom(seen.body) })).statusCode).toBe(403);
    }
    expect(await db.selectFrom('treatments').select('id').where('dog_id', '=', dogId).execute()).toEqual([]);
  });

  it('no document text, prompt or output reaches the logs (Kona\'s, the worker\'s or the dispatcher\'s)', async () => {
    t.rt.ctx.inference = client();
    const docId = await storedDocument(Buffer.from(await textPdf([vetLines, pageTwo('logs')])), 'Logs');
    await extractDocumentDraft(deps(), dogId, docId);
    await queue(docId);
    await runJobs();
    const logs = lines.join('');
    expect(logs).toContain('"feature":"extract-document"');
    for (const secret of ['Riverside', 'Alice Meyer', '985112003456789', 'Bravecto', '18.4', loadPrompt('extract').text.split('\n')[0]!]) expect(logs).not.toContain(secret);
  });
});
