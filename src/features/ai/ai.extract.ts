/**
 * Feature 6, vet document extraction: the rules (extract/) read the document; the model, when one
 * answers, checks and completes them. Every field the model gives must quote a passage that is in the
 * document's text, or it is dropped: a model cannot add a vaccination the document does not mention.
 * A rules field the model did not restate is kept, so a model that answers with less loses nothing.
 */
import { z } from 'zod';
import type { ExtractedFields, Passage } from './extract/extract.public.js';
import type { AiFeature } from './ai.feature.js';

/** What the feature reads: each page's text and the fields the rules found in it. */
export interface ExtractInput {
  pages: string[];
  rules: ExtractedFields;
}

// A date the model writes in another form is dropped from its field, not a reason to refuse the answer.
const isoDate = z.string().max(40).describe('YYYY-MM-DD');
const iso = (d: string | null) => (d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? d : undefined);
const passage = z.string().trim().max(300);
const located = <T extends z.ZodType>(value: T) => z.strictObject({ value, passage }).nullable();

/** The model's answer: each field with the words of the document it was read from. */
export const extractOutput = z.strictObject({
  vaccinations: z.array(z.strictObject({ name: z.string().trim().min(1).max(80), given: isoDate.nullable(), due: isoDate.nullable(), passage })).max(40),
  treatments: z.array(z.strictObject({ name: z.string().trim().min(1).max(120), given: isoDate.nullable(), passage })).max(40),
  microchip: located(z.string().trim().min(1).max(40)),
  weightKg: located(z.number().positive().max(150)),
  spayNeuter: located(z.boolean()),
  clinic: located(z.string().trim().min(1).max(200)),
  vet: located(z.string().trim().min(1).max(200)),
});
/** The model's answer's value. */
export type ExtractOutput = z.infer<typeof extractOutput>;

/** The kinds of proposed entry. */
export type ProposalKind = 'vaccination' | 'treatment' | 'weight' | 'microchip' | 'spayNeuter' | 'clinic' | 'vet';

/** One proposed medical entry, with the passage it came from and what made it. */
export interface Proposal {
  id: string;
  kind: ProposalKind;
  /** Vaccine or treatment name; the microchip, clinic or vet; the weight in kg; spayed/neutered or not. */
  value: string | number | boolean;
  given?: string;
  due?: string;
  passage: Passage;
  madeBy: 'model' | 'rules';
  decision?: { status: 'confirmed' | 'dismissed'; by: string | null; at: string };
}

// Text and documents are compared case- and space-blind: OCR and models both vary spacing.
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** Where a quoted passage is in the pages (a line, or up to three lines it spans); undefined when it is not there. */
export function findPassage(pages: string[], quoted: string): Passage | undefined {
  const wanted = norm(quoted);
  if (wanted.replace(/[^a-z0-9]/g, '').length < 3) return undefined;
  // One line first, so a passage is placed on its own line, not on a window that merely ends with it.
  for (let span = 1; span <= 3; span++) {
    for (let p = 0; p < pages.length; p++) {
      const lines = pages[p]!.split(/\r?\n/);
      for (let i = 0; i + span <= lines.length; i++) {
        const text = lines.slice(i, i + span).join(' ');
        if (norm(text).includes(wanted)) return { page: p + 1, line: i + 1, text: text.trim() };
      }
    }
  }
  return undefined;
}

/** The rules' fields in the model's shape: the simpler path's answer. */
export function rulesAsOutput(f: ExtractedFields): ExtractOutput {
  const at = <T>(x: { value: T; passage: Passage } | undefined) => (x ? { value: x.value, passage: x.passage.text } : null);
  return {
    vaccinations: f.vaccinations.map((v) => ({ name: v.name, given: v.given ?? null, due: v.due ?? null, passage: v.passage.text })),
    treatments: f.treatments.map((t) => ({ name: t.name, given: t.given ?? null, passage: t.passage.text })),
    microchip: at(f.microchip), weightKg: at(f.weightKg), spayNeuter: at(f.spayNeuter), clinic: at(f.clinic), vet: at(f.vet),
  };
}

type Draft = Omit<Proposal, 'id'>;

function rulesProposals(f: ExtractedFields): Draft[] {
  const out: Draft[] = [];
  for (const v of f.vaccinations) out.push({ kind: 'vaccination', value: v.name, ...(v.given && { given: v.given }), ...(v.due && { due: v.due }), passage: v.passage, madeBy: 'rules' });
  for (const t of f.treatments) out.push({ kind: 'treatment', value: t.name, ...(t.given && { given: t.given }), passage: t.passage, madeBy: 'rules' });
  const single = { microchip: f.microchip, weight: f.weightKg, spayNeuter: f.spayNeuter, clinic: f.clinic, vet: f.vet } as const;
  for (const [kind, x] of Object.entries(single)) if (x) out.push({ kind: kind as ProposalKind, value: x.value, passage: x.passage, madeBy: 'rules' });
  return out;
}

function modelProposals(o: ExtractOutput, pages: string[]): Draft[] {
  const out: Draft[] = [];
  const add = (d: Omit<Draft, 'passage' | 'madeBy'>, quoted: string) => {
    const passage = findPassage(pages, quoted);
    if (passage) out.push({ ...d, passage, madeBy: 'model' });
  };
  for (const v of o.vaccinations) add({ kind: 'vaccination', value: v.name, ...(iso(v.given) && { given: iso(v.given) }), ...(iso(v.due) && { due: iso(v.due) }) }, v.passage);
  for (const t of o.treatments) add({ kind: 'treatment', value: t.name, ...(iso(t.given) && { given: iso(t.given) }) }, t.passage);
  const single = { microchip: o.microchip, weight: o.weightKg, spayNeuter: o.spayNeuter, clinic: o.clinic, vet: o.vet } as const;
  for (const [kind, x] of Object.entries(single)) if (x) add({ kind: kind as ProposalKind, value: x.value }, x.passage);
  return out;
}

const sameEntry = (a: Draft, b: Draft) => a.kind === b.kind && (a.kind === 'vaccination' || a.kind === 'treatment' ? norm(String(a.value)) === norm(String(b.value)) : true);

/**
 * The proposed entries of one extraction. On the simpler path, the rules'. On the model path, the
 * model's fields whose passages are in the document, and every rules field the model gave no
 * checked field of the same kind (and name) for.
 */
export function proposalsOf(input: ExtractInput, output: ExtractOutput, path: 'model' | 'simpler'): Proposal[] {
  const rules = rulesProposals(input.rules);
  const merged = path === 'simpler' ? rules : (() => {
    const model = modelProposals(output, input.pages);
    return [...model, ...rules.filter((r) => !model.some((m) => sameEntry(m, r)))];
  })();
  return merged.map((d, i) => ({ id: `p${i + 1}`, ...d }));
}

// The model sees at most this much of a document: a vet record's fields are on its first pages.
const maxChars = 12_000;

/** The extraction feature's definition. */
export const extractFeature: AiFeature<ExtractInput, ExtractOutput> = {
  name: 'extract-document',
  subjectKind: 'document',
  priority: 'batch',
  prompt: 'extract',
  deadline: 'batch',
  output: extractOutput,
  maxTokens: 1200,
  data: (input) => ({ pages: input.pages.map((text, i) => ({ page: i + 1, text })).filter((_, i, all) => all.slice(0, i + 1).reduce((n, p) => n + p.text.length, 0) <= maxChars || i === 0).map((p) => ({ ...p, text: p.text.slice(0, maxChars) })), foundByRules: rulesAsOutput(input.rules) }),
  simpler: (input) => rulesAsOutput(input.rules),
};
