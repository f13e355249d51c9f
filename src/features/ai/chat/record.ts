/**
 * One dog's record as the chat assistant may read it: passages in sections (profile, medical,
 * notes, placements, history, applications), each with a stable id a citation points at. Built only
 * from that dog's own data, which the caller reads through the owning features' public faces, so
 * another dog's or another rescue's data cannot be in it. The applications section holds counts by
 * status only: no applicant's name, contact or answers.
 */
import type { TimelineEntry } from '../../dogs/dogs.public.js';
import type { DogRow } from '../../dogs/dogs.public.js';
import { ageOn, ageText, energyChoices, labelOf, sexChoices, sizeChoices, statusLabel, tristateChoices } from '../../dogs/dogs.public.js';

/** The sections of a record, in the order the page shows them. */
export const recordSections = ['profile', 'medical', 'notes', 'placements', 'history', 'applications'] as const;

/** One section. */
export type RecordSection = (typeof recordSections)[number];

/** What a person reads as a section's name. */
export const sectionLabels: Record<RecordSection, string> = {
  profile: 'Profile', medical: 'Medical', notes: 'Notes', placements: 'Foster placements', history: 'History', applications: 'Applications',
};

/** One passage of the record. */
export interface Passage {
  /** Stable within one record: the section and a number ("medical-3"). */
  id: string;
  section: RecordSection;
  text: string;
  /** The day it happened, when it has one (YYYY-MM-DD). */
  on?: string;
}

/** The whole record of one dog. */
export interface DogRecord {
  dogId: string;
  dogName: string;
  passages: Passage[];
}

/** The profile fields the record reads (a subset of the dog's row). */
export type RecordProfile = Pick<DogRow, 'id' | 'name' | 'sex' | 'birth_date' | 'birth_date_estimated' | 'breeds' | 'size' | 'colour' | 'microchip' | 'spay_neuter'
  | 'intake_date' | 'intake_type' | 'good_with_dogs' | 'good_with_cats' | 'good_with_children' | 'energy' | 'special_needs' | 'public_description' | 'status' | 'on_hold' | 'hold_reason'>;

const goodWith = (v: string, what: string) => `Good with ${what}: ${labelOf(tristateChoices, v).toLowerCase()}.`;

/** Which section a timeline entry belongs to, by the feature that wrote it. */
function sectionOf(kind: string): RecordSection {
  if (kind === 'medical') return 'medical';
  if (kind === 'note') return 'notes';
  if (kind === 'foster') return 'placements';
  return 'history';
}

/**
 * Builds the record from the dog's row, its timeline (every feature's entries, as the dog's page
 * shows them) and its applications counted by status label.
 */
export function buildRecord(dog: RecordProfile, timeline: readonly TimelineEntry[], applications: Readonly<Record<string, number>>, today: string): DogRecord {
  const passages: Passage[] = [];
  const counters = new Map<RecordSection, number>();
  const add = (section: RecordSection, text: string, on?: string) => {
    const t = text.replace(/\s+/g, ' ').trim();
    if (!t) return;
    const n = (counters.get(section) ?? 0) + 1;
    counters.set(section, n);
    passages.push({ id: `${section}-${n}`, section, text: t, ...(on ? { on } : {}) });
  };

  const age = dog.birth_date ? `${ageText(ageOn(dog.birth_date, today))} old${dog.birth_date_estimated ? ' (estimated)' : ''}, born ${dog.birth_date}` : 'age not recorded';
  add('profile', `${dog.name}: ${labelOf(sexChoices, dog.sex).toLowerCase()}, ${age}.`);
  add('profile', `Breed: ${dog.breeds.length ? dog.breeds.join(', ') : 'not recorded'}. Size: ${labelOf(sizeChoices, dog.size).toLowerCase()}. Colour: ${dog.colour || 'not recorded'}.`);
  add('profile', `Status: ${statusLabel(dog.status)}${dog.on_hold ? `, on hold${dog.hold_reason ? ` (${dog.hold_reason})` : ''}` : ''}. Taken in on ${dog.intake_date} (${dog.intake_type.replace(/_/g, ' ')}).`);
  add('profile', `Microchip: ${dog.microchip ?? 'none recorded'}. Spayed or neutered: ${dog.spay_neuter}.`);
  add('profile', `${goodWith(dog.good_with_dogs, 'dogs')} ${goodWith(dog.good_with_cats, 'cats')} ${goodWith(dog.good_with_children, 'children')}`);
  add('profile', `Energy: ${dog.energy ? labelOf(energyChoices, dog.energy).toLowerCase() : 'not known yet'}.`);
  if (dog.special_needs) add('profile', `Special needs: ${dog.special_needs}`);
  if (dog.public_description) add('profile', `Public description: ${dog.public_description}`);

  // Oldest first, so passage numbers stay put as entries are added.
  for (const e of [...timeline].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const on = e.at.toISOString().slice(0, 10);
    add(sectionOf(e.kind), `${on}: ${e.title}${e.detail ? `. ${e.detail}` : ''}`, on);
  }

  const counts = Object.entries(applications).filter(([, n]) => n > 0);
  add('applications', counts.length ? `Applications: ${counts.map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}.` : 'No applications.');
  return { dogId: dog.id, dogName: dog.name, passages };
}
