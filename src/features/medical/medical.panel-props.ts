import type { FormState } from '../../platform/http/views/forms.js';
import type { PageContext } from '../../platform/http/views/layout.js';
import type { MedicalRecord } from './medical.service.js';

/** Per-form state of the medical page's forms after a rejected submission. */
export interface MedicalForms {
  vaccination?: FormState;
  treatment?: FormState;
  visit?: FormState;
  document?: FormState;
  /** A rejected one-date row form ("record booster", "record dose"): which row, and what was typed. */
  rowDate?: { id: string; form: FormState };
}

/** What every panel of the medical page is given. */
export interface PanelProps {
  ctx: PageContext;
  record: MedicalRecord;
  canEdit: boolean;
  /** May record a dose given (care.record: fosters too, on the dogs in their care). */
  canRecord: boolean;
  forms: MedicalForms;
  today: string;
  /** KONA_DOCUMENT_MAX_MB, for the upload form's hint. */
  documentMaxMb: number;
}
