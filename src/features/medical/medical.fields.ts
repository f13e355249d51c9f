import type { TreatmentKind, VaccinationType } from '../../platform/db/schema.js';

/** Vaccines the form offers, as stored and as shown. */
export const vaccinationTypeChoices: { value: VaccinationType; label: string }[] = [
  { value: 'rabies', label: 'Rabies' },
  { value: 'dhpp', label: 'DHPP' },
  { value: 'leptospirosis', label: 'Leptospirosis' },
  { value: 'bordetella', label: 'Bordetella' },
  { value: 'other', label: 'Other' },
];

/** Treatment kinds, as stored and as shown. */
export const treatmentKindChoices: { value: TreatmentKind; label: string }[] = [
  { value: 'treatment', label: 'Treatment' },
  { value: 'medication', label: 'Medication' },
];

/** A vaccination's name as people read it: the label for 'other', the type with any brand otherwise. */
export function vaccinationName(type: VaccinationType, label: string): string {
  const base = vaccinationTypeChoices.find((c) => c.value === type)?.label ?? type;
  if (type === 'other') return label || base;
  return label ? `${base} (${label})` : base;
}
