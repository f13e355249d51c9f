/**
 * AI drafts: made by the mechanism (ai.feature.ts), stored encrypted, and decided by a person. Approving
 * goes through the owning feature's service, which writes and audits the change (a bio becomes the
 * dog's public description; alt text the photo's alt text); social posts are copy to paste, so
 * approving them only records the decision. Nothing AI-written is published before a person approves.
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit.js';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';
import { KonaError, notFound } from '../../platform/errors/errors.js';
import type { BlobStore } from '../../platform/storage/index.js';
import { setPublicDescription } from '../dogs/dogs.public.js';
import { setPhotoAltText } from '../photos/photos.public.js';
import { altTextFeature } from './ai.alt-text.js';
import { bioFeature, type BioTone } from './ai.bio.js';
import { runFeature, type AiFeature, type AiRuntime, type FeatureResult } from './ai.feature.js';
import { altTextInputOf, bioInputOf, socialInputOf, type InputSources } from './ai.inputs.js';
import { decideDraft, insertDraft, reopenDraft, selectDraft, selectOpenDrafts, type DraftRow } from './ai.queries.js';
import { socialFeature } from './ai.social.js';

type Db = Kysely<TenantSchema>;

/** What drafting and deciding need. */
export interface AiDeps {
  db: Db;
  ring: KeyRing;
  rt: AiRuntime;
  actor: Actor;
  today: string;
  store?: BlobStore;
  /** Whether the acting member holds a permission (absent: a system actor, which may). */
  can?: (permission: 'dogs.edit' | 'photos.approve') => boolean;
}

type Publish = (deps: AiDeps, draft: DraftRow, output: Record<string, unknown>) => Promise<void>;

/** Each feature this folder drafts, with what approving one of its drafts writes. */
const features: Record<string, { def: AiFeature<never, unknown>; permission: 'dogs.edit' | 'photos.approve'; publish?: Publish }> = {
  bio: { def: bioFeature as AiFeature<never, unknown>, permission: 'dogs.edit', publish: (d, draft, o) => setPublicDescription(d.db, draft.dog_id!, String(o.bio), d.actor, 'ai-draft') },
  'alt-text': { def: altTextFeature as AiFeature<never, unknown>, permission: 'photos.approve', publish: (d, draft, o) => setPhotoAltText(d.db, draft.dog_id!, draft.subject_id, String(o.altText), d.actor) },
  social: { def: socialFeature as AiFeature<never, unknown>, permission: 'dogs.edit' },
};

const staffId = (actor: Actor) => (actor.type === 'staff' ? (actor.id ?? null) : null);
const sources = (deps: AiDeps): InputSources => ({ db: deps.db, store: deps.store, today: deps.today, vision: !!deps.rt.visionModel && !!deps.rt.client });

async function store<O>(deps: AiDeps, def: AiFeature<never, O>, subject: { id: string; dogId: string }, result: FeatureResult<O>): Promise<string> {
  return insertDraft(deps.db, {
    feature: def.name, subject_kind: def.subjectKind, subject_id: subject.id, dog_id: subject.dogId, input_digest: result.inputDigest,
    output_enc: deps.ring.encrypt(JSON.stringify(result.output)), model: result.model, backend: result.backend, prompt_version: result.promptVersion,
    path: result.path, fallback_reason: result.reason ?? null, latency_ms: result.latencyMs, created_by: staffId(deps.actor),
  });
}

/** Drafts a bio for the dog in a tone; returns the draft's id. */
export async function draftBio(deps: AiDeps, dogId: string, tone: BioTone): Promise<string> {
  const result = await runFeature(bioFeature, await bioInputOf(sources(deps), dogId, tone), deps.rt);
  return store(deps, bioFeature, { id: dogId, dogId }, result);
}

/** Drafts social posts for the dog; returns the draft's id. */
export async function draftSocialPosts(deps: AiDeps, dogId: string): Promise<string> {
  const result = await runFeature(socialFeature, await socialInputOf(sources(deps), dogId), deps.rt);
  return store(deps, socialFeature, { id: dogId, dogId }, result);
}

/** Drafts alt text for one approved photo of the dog; returns the draft's id. */
export async function draftAltText(deps: AiDeps, dogId: string, photoId: string): Promise<string> {
  const result = await runFeature(altTextFeature, await altTextInputOf(sources(deps), dogId, photoId), deps.rt);
  return store(deps, altTextFeature, { id: photoId, dogId }, result);
}

/** One draft as the page shows it: the output decrypted. */
export interface DraftView {
  id: string;
  feature: string;
  subjectId: string;
  path: 'model' | 'simpler';
  reason: string | null;
  model: string | null;
  latencyMs: number;
  createdAt: Date;
  output: Record<string, unknown>;
}

function viewOf(ring: KeyRing, row: DraftRow): DraftView {
  return {
    id: row.id, feature: row.feature, subjectId: row.subject_id, path: row.path, reason: row.fallback_reason, model: row.model,
    latencyMs: row.latency_ms, createdAt: row.created_at, output: JSON.parse(ring.decrypt(row.output_enc)) as Record<string, unknown>,
  };
}

/** The dog's undecided drafts of this folder's features, newest first. */
export async function openDrafts(db: Db, ring: KeyRing, dogId: string): Promise<DraftView[]> {
  return (await selectOpenDrafts(db, dogId)).filter((r) => r.feature in features).map((r) => viewOf(ring, r));
}

async function undecided(deps: AiDeps, dogId: string, draftId: string): Promise<DraftRow> {
  const row = await selectDraft(deps.db, dogId, draftId);
  if (!row || !(row.feature in features)) throw notFound('That draft');
  if (deps.can && !deps.can(features[row.feature]!.permission)) throw new KonaError('KONA_ERR_FORBIDDEN', 'Only a member who may make this change by hand can approve or discard its draft.');
  if (row.status !== 'draft') throw new KonaError('KONA_ERR_CONFLICT', 'That draft was already approved or discarded.');
  return row;
}

/**
 * Approves a draft, as drafted or as edited (`edited` replaces the output's text fields; it must still
 * fit the feature's schema), writing it through the owning feature's service. Returns the status set.
 */
export async function approveDraft(deps: AiDeps, dogId: string, draftId: string, edited?: Record<string, unknown>): Promise<'approved' | 'edited'> {
  const row = await undecided(deps, dogId, draftId);
  const { def, publish } = features[row.feature]!;
  const drafted = JSON.parse(deps.ring.decrypt(row.output_enc)) as Record<string, unknown>;
  let output = drafted;
  if (edited) {
    const parsed = (def.output as z.ZodType).safeParse(edited);
    if (!parsed.success) throw new KonaError('KONA_ERR_VALIDATION', `The edited text does not fit: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`);
    output = parsed.data as Record<string, unknown>;
  }
  const status = JSON.stringify(output) === JSON.stringify(drafted) ? 'approved' : 'edited';
  // Claimed first, so two people approving at once publish once; a refused publish reopens the draft.
  if (!(await decideDraft(deps.db, row.id, status, staffId(deps.actor)))) throw new KonaError('KONA_ERR_CONFLICT', 'That draft was already approved or discarded.');
  try {
    await publish?.(deps, row, output);
  } catch (err) {
    await reopenDraft(deps.db, row.id);
    throw err;
  }
  await recordAudit(deps.db, { actor: deps.actor, action: `ai.draft_${status}`, target: { type: 'dog', id: dogId }, detail: { draft: row.id, feature: row.feature, path: row.path } });
  return status;
}

/** Discards a draft: nothing is written anywhere but the decision. */
export async function discardDraft(deps: AiDeps, dogId: string, draftId: string): Promise<void> {
  const row = await undecided(deps, dogId, draftId);
  if (!(await decideDraft(deps.db, row.id, 'discarded', staffId(deps.actor)))) throw new KonaError('KONA_ERR_CONFLICT', 'That draft was already approved or discarded.');
  await recordAudit(deps.db, { actor: deps.actor, action: 'ai.draft_discarded', target: { type: 'dog', id: dogId }, detail: { draft: row.id, feature: row.feature } });
}
