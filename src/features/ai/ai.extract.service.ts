/**
 * Vet document extraction as drafts (feature 6): the batch job reads a document (rules, then the
 * model when one answers) and stores one encrypted draft listing proposed medical entries, or saying
 * why the document could not be read. Staff confirm or dismiss each proposal on its own; a confirm
 * writes through the owning feature's service (medical's vaccinations and treatments, dogs' weight,
 * microchip and spay/neuter), which audits it. A proposal is claimed before it is written, so
 * confirming twice, or two people at once, writes once.
 */
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { recordWeight, setDogMedicalFacts } from '../dogs/dogs.public.js';
import { addTreatment, addVaccination, documentOf, hasMedicalEntry } from '../medical/medical.public.js';
import { extractDefaults, extractDocument, type ExtractOptions, type ExtractWarning, type UnreadableReason } from './extract/extract.public.js';
import { extractFeature, proposalsOf, type Proposal } from './ai.extract.js';
import { runFeature, type AiRuntime } from './ai.feature.js';
import { digestOf, loadPrompt } from './ai.prompts.js';
import { decideDraft, insertDraft, selectLatestDraftOf } from './ai.queries.js';

type Db = Kysely<TenantSchema>;

/** What reading and deciding need. */
export interface ExtractDeps {
  db: Db;
  ring: KeyRing;
  rt: AiRuntime;
  actor: Actor;
  /** The rescue's blob store (documents' bytes). */
  store?: BlobStore;
  /** The rescue's today, YYYY-MM-DD (a weight's date when the document gives none). */
  today: string;
  /** Limits of one reading (pages, OCR time per page); tests pass smaller ones. */
  limits?: Omit<ExtractOptions, 'ocr'>;
  /** Whether the acting member holds medical.edit (absent: a system actor, which may). */
  canEdit?: () => boolean;
}

/** A stored extraction: proposals from a document that was read, or why it could not be. */
export type Extraction =
  | { ok: true; source: 'text-layer' | 'ocr'; pagesTotal: number; pagesRead: number; notes: string[]; proposals: Proposal[] }
  | { ok: false; reason: UnreadableReason; message: string };

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);

function noteOf(w: ExtractWarning): string {
  if (w.code === 'pages-capped') return `Only the first ${w.pagesRead} of its ${w.pagesTotal} pages were read.`;
  if (w.code === 'page-timeout') return `Page ${w.page} took too long to read and was skipped.`;
  return `Page ${w.page} could not be read and was skipped.`;
}

async function bytesOf(store: BlobStore | undefined, key: string): Promise<Buffer | undefined> {
  const blob = store ? await store.get(key) : undefined;
  if (!blob) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of blob.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads one document of a dog into a draft and returns the draft's id. Never throws for a document
 * that cannot be read (that is a draft saying why); bounded by the page cap, the OCR deadline per
 * page and the batch deadline of the model call.
 */
export async function extractDocumentDraft(deps: ExtractDeps, dogId: string, documentId: string): Promise<string> {
  const doc = await documentOf(deps.db, dogId, documentId);
  const bytes = await bytesOf(deps.store, doc.sha256);
  const limits = { maxPages: extractDefaults.maxPages, ocrTimeoutMs: Math.min(extractDefaults.ocrTimeoutMs, deps.rt.deadlineMs.batch), ...deps.limits };
  const read = bytes ? await extractDocument(bytes, limits) : { ok: false as const, reason: 'corrupt' as const, message: 'The document\'s file is missing from storage. Delete it and upload it again.', warnings: [] };
  const prompt = loadPrompt(extractFeature.prompt);
  const row = { feature: extractFeature.name, subject_kind: 'document' as const, subject_id: documentId, dog_id: dogId, prompt_version: prompt.version, created_by: staffId(deps.actor) };
  if (!read.ok) {
    const output: Extraction = { ok: false, reason: read.reason, message: read.message };
    deps.rt.logger?.info({ feature: extractFeature.name, path: 'simpler', reason: 'unreadable', unreadable: read.reason }, 'AI draft made');
    return insertDraft(deps.db, { ...row, input_digest: digestOf({ document: doc.sha256 }), output_enc: deps.ring.encrypt(JSON.stringify(output)), model: null, backend: null, path: 'simpler', fallback_reason: 'unreadable', latency_ms: 0 });
  }
  const input = { pages: read.pages, rules: read.fields };
  const result = await runFeature(extractFeature, input, deps.rt);
  const output: Extraction = { ok: true, source: read.source, pagesTotal: read.pagesTotal, pagesRead: read.pagesRead, notes: read.warnings.map(noteOf), proposals: proposalsOf(input, result.output, result.path) };
  return insertDraft(deps.db, {
    ...row, input_digest: result.inputDigest, output_enc: deps.ring.encrypt(JSON.stringify(output)), model: result.model, backend: result.backend,
    path: result.path, fallback_reason: result.reason ?? null, latency_ms: result.latencyMs,
  });
}

/** The newest extraction of a document, as its page shows it. */
export interface ExtractionView {
  id: string;
  path: 'model' | 'simpler';
  reason: string | null;
  model: string | null;
  createdAt: Date;
  extraction: Extraction;
}

/** A document's newest extraction; undefined while none has run yet. */
export async function latestExtraction(db: Db, ring: KeyRing, dogId: string, documentId: string): Promise<ExtractionView | undefined> {
  await documentOf(db, dogId, documentId);
  const row = await selectLatestDraftOf(db, extractFeature.name, documentId);
  if (!row || row.dog_id !== dogId) return undefined;
  return { id: row.id, path: row.path, reason: row.fallback_reason, model: row.model, createdAt: row.created_at, extraction: JSON.parse(ring.decrypt(row.output_enc)) as Extraction };
}

type Claimed = { proposal: Proposal; all: Proposal[] };

/** Which proposal: of which draft, about which document of which dog. */
export interface ProposalAt {
  dogId: string;
  documentId: string;
  draftId: string;
  proposalId: string;
}

/** Marks one proposal decided (or undecided again) in the draft, under a row lock so two deciders cannot both claim it. */
async function setDecision(deps: ExtractDeps, at: ProposalAt, decision: Proposal['decision']): Promise<Claimed> {
  const { dogId, documentId, draftId, proposalId } = at;
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('ai_drafts').select(['output_enc', 'feature']).where('id', '=', draftId).where('dog_id', '=', dogId).where('subject_id', '=', documentId).forUpdate().executeTakeFirst();
    if (!row || row.feature !== extractFeature.name) throw notFound('Those proposed entries');
    const extraction = JSON.parse(deps.ring.decrypt(row.output_enc)) as Extraction;
    const proposal = extraction.ok ? extraction.proposals.find((p) => p.id === proposalId) : undefined;
    if (!extraction.ok || !proposal) throw notFound('That proposed entry');
    if (decision && proposal.decision) {
      throw new KonaError('KONA_ERR_CONFLICT', `That proposed entry was already ${proposal.decision.status}. Nothing was written again.`);
    }
    if (decision) proposal.decision = decision;
    else delete proposal.decision;
    await tx.updateTable('ai_drafts').set({ output_enc: deps.ring.encrypt(JSON.stringify(extraction)) }).where('id', '=', draftId).execute();
    return { proposal, all: extraction.proposals };
  });
}

const vaccineTypes = ['rabies', 'dhpp', 'leptospirosis', 'bordetella'] as const;

// The same entry read again (Extract again, or the same record in two documents) is not recorded twice.
const alreadyRecorded = (what: string) => new KonaError('KONA_ERR_CONFLICT', `The ${what} is already in the medical record, so it was not recorded again. Dismiss this proposal.`);

/** Writes one confirmed proposal through the owning feature's service. */
async function publish(deps: ExtractDeps, dogId: string, p: Proposal, all: Proposal[]): Promise<void> {
  const { db, actor } = deps;
  const given = all.find((o) => o.kind === 'vet' && o.decision?.status !== 'dismissed') ?? all.find((o) => o.kind === 'clinic' && o.decision?.status !== 'dismissed');
  const needDate = (what: string) => {
    if (!p.given) throw new KonaError('KONA_ERR_VALIDATION', `The document gives no date for this ${what}, so it was not recorded. Add it by hand with its date.`);
    if (p.given > deps.today) throw new KonaError('KONA_ERR_VALIDATION', `The ${what} date read (${p.given}) is in the future, so it was not recorded. Check the document and add it by hand.`);
    return p.given;
  };
  switch (p.kind) {
    case 'vaccination': {
      const name = String(p.value);
      const type = (vaccineTypes as readonly string[]).includes(name.toLowerCase()) ? (name.toLowerCase() as (typeof vaccineTypes)[number]) : 'other';
      const givenOn = needDate('vaccination');
      const label = type === 'other' ? name.slice(0, 120) : '';
      if (await hasMedicalEntry(db, dogId, { kind: 'vaccination', type, label, givenOn })) throw alreadyRecorded(`${name} vaccination of ${givenOn}`);
      await addVaccination(db, dogId, { type, label, given_on: givenOn, due_on: p.due && p.due > givenOn ? p.due : null, given_by: given ? String(given.value).slice(0, 200) : '', notes: 'Read from a vet document and confirmed.' }, actor);
      return;
    }
    case 'treatment': {
      const name = String(p.value).slice(0, 200);
      const startsOn = needDate('treatment');
      if (await hasMedicalEntry(db, dogId, { kind: 'treatment', name, startsOn })) throw alreadyRecorded(`${name} of ${startsOn}`);
      await addTreatment(db, dogId, { kind: 'treatment', name, dose: '', schedule: '', starts_on: startsOn, ends_on: null, next_due_on: null, notes: 'Read from a vet document and confirmed.', repeat_every: null, repeat_unit: null }, actor);
      return;
    }
    case 'weight': {
      const dates = all.map((o) => o.given).filter((d): d is string => !!d && d <= deps.today).sort();
      await recordWeight(db, dogId, { kg: Number(p.value), weighed_on: dates.at(-1) ?? deps.today }, actor);
      return;
    }
    case 'microchip':
      await setDogMedicalFacts(db, dogId, { microchip: String(p.value) }, actor, 'vet-document');
      return;
    case 'spayNeuter':
      await setDogMedicalFacts(db, dogId, { spay_neuter: p.value ? 'yes' : 'no' }, actor, 'vet-document');
      return;
    default:
      // The clinic and the vet are not entries of their own: confirmed, they are who gave the vaccinations confirmed next.
      return;
  }
}

/** Confirms or dismisses one proposal; a confirm writes it through its owning service first. */
export async function decideProposal(deps: ExtractDeps, at: ProposalAt, decision: 'confirmed' | 'dismissed'): Promise<void> {
  if (deps.canEdit && !deps.canEdit()) throw new KonaError('KONA_ERR_FORBIDDEN', 'Only a member who may edit medical records can confirm or dismiss proposed entries.');
  const { dogId, draftId } = at;
  const { proposal, all } = await setDecision(deps, at, { status: decision, by: staffId(deps.actor), at: new Date().toISOString() });
  if (decision === 'confirmed') {
    try {
      await publish(deps, dogId, proposal, all);
    } catch (err) {
      // Refused (no date, a microchip on another dog…): the proposal is undecided again, nothing written.
      await setDecision(deps, at, undefined);
      throw err;
    }
  }
  await recordAudit(deps.db, { actor: deps.actor, action: `ai.proposal_${decision}`, target: { type: 'dog', id: dogId }, detail: { draft: draftId, kind: proposal.kind } });
  if (all.every((p) => p.decision)) await decideDraft(deps.db, draftId, all.some((p) => p.decision?.status === 'confirmed') ? 'approved' : 'discarded', staffId(deps.actor));
}
