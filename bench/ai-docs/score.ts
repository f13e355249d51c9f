/**
 * Scores extracted fields against `<name>.expected.json`: true and false positives and false
 * negatives per field. A vaccination counts as one item (name, given and due must all match), a
 * treatment as (name, given); names compare by their canonical form, people and clinics without
 * case, punctuation or titles, weights within 0.1 kg or 1 %.
 */
import { canonicalTreatment, canonicalVaccine, type ExpectedFields } from '../../src/features/ai/extract/extract.public.js';

/** Counts of one field. */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
/** The fields scored. */
export const scoredFields = ['vaccinations', 'treatments', 'microchip', 'weightKg', 'spayNeuter', 'clinic', 'vet'] as const;
export type ScoredField = (typeof scoredFields)[number];

const plain = (s: string) => s.toLowerCase().replace(/\b(?:dr|dvm|vmd|bvsc|mrcvs)\b\.?/g, '').replace(/[^a-z0-9]/g, '');

function sameScalar(field: ScoredField, a: unknown, b: unknown): boolean {
  if (field === 'weightKg') return Math.abs(Number(a) - Number(b)) <= Math.max(0.1, Number(b) * 0.01);
  if (field === 'microchip') return String(a).replace(/\D/g, '') === String(b).replace(/\D/g, '');
  if (field === 'clinic' || field === 'vet') return plain(String(a)) === plain(String(b));
  return a === b;
}

function scoreItems(got: string[], want: string[]): Counts {
  const left = [...want];
  let tp = 0;
  for (const g of got) {
    const i = left.indexOf(g);
    if (i >= 0) {
      tp++;
      left.splice(i, 1);
    }
  }
  return { tp, fp: got.length - tp, fn: left.length };
}

/** Scores one document. */
export function scoreDocument(got: ExpectedFields, want: ExpectedFields): Record<ScoredField, Counts> {
  const vacc = (v: ExpectedFields['vaccinations']) => (v ?? []).map((x) => `${canonicalVaccine(x.name)}|${x.given ?? ''}|${x.due ?? ''}`);
  const treat = (t: ExpectedFields['treatments']) => (t ?? []).map((x) => `${canonicalTreatment(x.name)}|${x.given ?? ''}`);
  const out = { vaccinations: scoreItems(vacc(got.vaccinations), vacc(want.vaccinations)), treatments: scoreItems(treat(got.treatments), treat(want.treatments)) } as Record<ScoredField, Counts>;
  for (const f of ['microchip', 'weightKg', 'spayNeuter', 'clinic', 'vet'] as const) {
    const [g, w] = [got[f], want[f]];
    const match = g !== undefined && w !== undefined && sameScalar(f, g, w);
    out[f] = { tp: match ? 1 : 0, fp: g !== undefined && !match ? 1 : 0, fn: w !== undefined && !match ? 1 : 0 };
  }
  return out;
}

/** Precision, recall and F1 of summed counts (1 where nothing was expected or found). */
export function prf(c: Counts): { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number } {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return { precision: r3(precision), recall: r3(recall), f1: r3(f1), ...c };
}

/** Adds counts into a running total. */
export function add(into: Counts, c: Counts): void {
  into.tp += c.tp;
  into.fp += c.fp;
  into.fn += c.fn;
}
