/**
 * The typed result of reading a vet document: every field carries the passage it came from, so a
 * proposed medical entry can show staff where it was read before they confirm it.
 */
import { z } from 'zod';

/** Where a value was read: page (1-based), line (1-based within the page) and the line's text. */
export const passageSchema = z.object({ page: z.number().int().min(1), line: z.number().int().min(1), text: z.string() });
export type Passage = z.infer<typeof passageSchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** One vaccination: canonical name, dates as YYYY-MM-DD when the document gives them. */
export const vaccinationSchema = z.object({ name: z.string(), given: isoDate.optional(), due: isoDate.optional(), passage: passageSchema });
/** One treatment (parasite control, deworming, heartworm prevention…). */
export const treatmentSchema = z.object({ name: z.string(), given: isoDate.optional(), passage: passageSchema });

const located = <T extends z.ZodType>(value: T) => z.object({ value, passage: passageSchema });

/** Every field the rules read; absent fields are left out. */
export const extractedFieldsSchema = z.object({
  vaccinations: z.array(vaccinationSchema),
  treatments: z.array(treatmentSchema),
  microchip: located(z.string()).optional(),
  weightKg: located(z.number().positive()).optional(),
  spayNeuter: located(z.boolean()).optional(),
  clinic: located(z.string()).optional(),
  vet: located(z.string()).optional(),
});
export type ExtractedFields = z.infer<typeof extractedFieldsSchema>;
export type Vaccination = z.infer<typeof vaccinationSchema>;
export type Treatment = z.infer<typeof treatmentSchema>;

/** Why a document could not be read at all; each has a message a person can act on. */
export const unreadableReasons = {
  'not-a-document': 'This file is not a PDF, JPEG, PNG or WebP document.',
  encrypted: 'This PDF is password-protected. Save an unprotected copy and upload that.',
  'no-pages': 'This PDF has no pages.',
  corrupt: 'This PDF is damaged and could not be opened.',
  'image-too-small': 'This image is too small to read (at least 300 × 300 pixels are needed). Take a closer photo.',
  'no-text': 'No text could be read from this document. Upload a clearer scan or photo.',
  timeout: 'Reading this document took too long and was stopped. Try a clearer or shorter document.',
} as const;
export type UnreadableReason = keyof typeof unreadableReasons;

/** Notes about a document that was read only in part. */
export type ExtractWarning =
  | { code: 'pages-capped'; pagesTotal: number; pagesRead: number }
  | { code: 'page-timeout'; page: number }
  | { code: 'page-unreadable'; page: number };

/** How the text was obtained: the PDF's own text layer, or OCR of a scan or photo. */
export type TextSource = 'text-layer' | 'ocr';

/** The outcome of one extraction: fields with their passages, or a typed reason it failed. */
export type ExtractResult =
  | { ok: true; source: TextSource; pagesTotal: number; pagesRead: number; fields: ExtractedFields; /** Each page's text as read (what passages are checked against). */ pages: string[]; warnings: ExtractWarning[]; ocrMsPerPage: number[]; rulesMs: number }
  | { ok: false; reason: UnreadableReason; message: string; warnings: ExtractWarning[] };

/** The interchange format (`<name>.expected.json`), without passages. */
export interface ExpectedFields {
  vaccinations?: { name: string; given?: string; due?: string }[];
  treatments?: { name: string; given?: string }[];
  microchip?: string;
  weightKg?: number;
  spayNeuter?: boolean;
  clinic?: string;
  vet?: string;
}

/** Drops the passages, giving the `expected.json` shape (absent fields omitted). */
export function toExpectedShape(f: ExtractedFields): ExpectedFields {
  const out: ExpectedFields = {};
  if (f.vaccinations.length) out.vaccinations = f.vaccinations.map(({ name, given, due }) => ({ name, ...(given && { given }), ...(due && { due }) }));
  if (f.treatments.length) out.treatments = f.treatments.map(({ name, given }) => ({ name, ...(given && { given }) }));
  if (f.microchip) out.microchip = f.microchip.value;
  if (f.weightKg) out.weightKg = f.weightKg.value;
  if (f.spayNeuter) out.spayNeuter = f.spayNeuter.value;
  if (f.clinic) out.clinic = f.clinic.value;
  if (f.vet) out.vet = f.vet.value;
  return out;
}
