/**
 * The face of vet document extraction (issue 16, feature 6, rules path). ai-core runs
 * `extractDocument` in a batch job and turns `fields` into proposed medical entries, each showing
 * its `passage`; `ok: false` carries a typed reason and a message for the draft.
 */
export { extractDefaults, extractDocument, type ExtractOptions } from './extract.document.js';
export { createTesseractEngine, type OcrEngine } from './extract.ocr.js';
export { extractFields } from './extract.rules.js';
export {
  extractedFieldsSchema, toExpectedShape, unreadableReasons,
  type ExpectedFields, type ExtractedFields, type ExtractResult, type ExtractWarning, type Passage, type TextSource, type Treatment, type UnreadableReason, type Vaccination,
} from './extract.schema.js';
export { canonicalTreatment, canonicalVaccine } from './extract.vocabulary.js';
