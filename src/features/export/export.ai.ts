import { exportAiDrafts, type ExportedDraft } from '../ai/ai.public.js';
import type { ExportDataset } from './export.dataset.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** Every AI draft (bios, alt text, social posts, reviews, interview questions), with how it was made and what became of it. */
export const aiDraftsDataset: ExportDataset<ExportedDraft> = {
  name: 'ai-drafts',
  title: 'AI drafts',
  description: 'Drafts the on-site AI helpers made, how each was made (model or simpler path) and who approved or discarded it. A review quotes the applicant.',
  personal: true,
  load: ({ db, ring }, page) => exportAiDrafts(db, ring, page),
  columns: [
    { header: 'id', value: (r) => r.id },
    { header: 'feature', value: (r) => r.feature },
    { header: 'subject_kind', value: (r) => r.subject_kind },
    { header: 'subject_id', value: (r) => r.subject_id },
    { header: 'dog_id', value: (r) => r.dog_id },
    { header: 'path', value: (r) => r.path },
    { header: 'fallback_reason', value: (r) => r.fallback_reason },
    { header: 'model', value: (r) => r.model },
    { header: 'backend', value: (r) => r.backend },
    { header: 'prompt_version', value: (r) => r.prompt_version },
    { header: 'input_digest', value: (r) => r.input_digest },
    { header: 'latency_ms', value: (r) => r.latency_ms },
    { header: 'status', value: (r) => r.status },
    { header: 'created_by_staff_id', value: (r) => r.created_by },
    { header: 'created_at', value: (r) => iso(r.created_at) },
    { header: 'decided_by_staff_id', value: (r) => r.decided_by },
    { header: 'decided_at', value: (r) => iso(r.decided_at) },
    { header: 'output', value: (r) => JSON.stringify(r.output) },
  ],
  json: (r) => ({ ...r, created_at: iso(r.created_at), decided_at: iso(r.decided_at) }),
};
