/** AI drafts for a rescue's data export: every draft, its provenance and its output decrypted. */
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../platform/crypto/keyring.js';
import type { TenantSchema } from '../../platform/db/schema.js';

/** One draft as the export writes it. */
export interface ExportedDraft {
  id: string;
  feature: string;
  subject_kind: string;
  subject_id: string;
  dog_id: string | null;
  path: string;
  fallback_reason: string | null;
  model: string | null;
  backend: string | null;
  prompt_version: string;
  input_digest: string;
  latency_ms: number;
  status: string;
  created_by: string | null;
  created_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  /** The output, decrypted (a review's quotes an applicant's words). */
  output: unknown;
}

/** One page of every draft, oldest first. */
export async function exportAiDrafts(db: Kysely<TenantSchema>, ring: KeyRing, page: { limit: number; offset: number }): Promise<ExportedDraft[]> {
  const rows = await db.selectFrom('ai_drafts')
    .select(['id', 'feature', 'subject_kind', 'subject_id', 'dog_id', 'path', 'fallback_reason', 'model', 'backend', 'prompt_version', 'input_digest', 'latency_ms', 'status', 'created_by', 'created_at', 'decided_by', 'decided_at', 'output_enc'])
    .orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return rows.map(({ output_enc, ...row }) => ({ ...row, output: JSON.parse(ring.decrypt(output_enc)) as unknown }));
}
