/**
 * The rules path of vet document extraction (the simpler path of feature 6): reads fields from the
 * lines of a document by what the words mean — a vaccine name with the dates beside or under it,
 * "due"/"next"/"expires" before a date, a label before a weight or a chip number — never by where
 * a layout puts them. Each field keeps the line it came from.
 */
import { findDates, fixOcrDigits, guessDayOrder, type DayOrder, type FoundDate } from './extract.dates.js';
import type { ExtractedFields, Passage, Treatment, Vaccination } from './extract.schema.js';
import { repairOcrWords } from './extract.spelling.js';
import {
  chipLabel, clinicLabel, clinicSuffix, dueWords, givenWords, intact, lettersForMatching, sexCode, spayNeuterField, sterilised,
  treatments, vaccines, vetLabel, vetName, weightLabel, weightValue,
} from './extract.vocabulary.js';

/** One line of a document's text, with the page it is on. */
export interface DocLine {
  page: number;
  line: number;
  text: string;
}

interface Mention {
  kind: 'vaccine' | 'treatment';
  name: string;
  index: number;
  end: number;
}

/** Splits page texts into numbered, trimmed, non-empty lines; OCR text also gets its digit swaps and spelling repaired. */
export function toLines(pages: string[], ocr = false): DocLine[] {
  const clean = (raw: string) => {
    // Two spaces stay two: they are a column boundary that names must not run across.
    const text = raw.replace(/[ \t]{2,}/g, '  ').replace(/[^\S ]/g, ' ').trim();
    return ocr ? repairOcrWords(fixOcrDigits(text)) : text;
  };
  return pages.flatMap((text, p) => text.split(/\r?\n/).map((raw, i) => ({ page: p + 1, line: i + 1, text: clean(raw) })).filter((l) => l.text));
}

function mentionsIn(text: string): Mention[] {
  const matchable = lettersForMatching(text);
  const found: Mention[] = [];
  for (const [kind, list] of [['vaccine', vaccines], ['treatment', treatments]] as const) {
    for (const { name, re } of list) {
      re.lastIndex = 0;
      for (let m = re.exec(matchable); m; m = re.exec(matchable)) {
        const [index, end] = [m.index, m.index + m[0].length];
        // "Rabies (Nobivac 3-Rabies)" is one mention: a name repeated on a line is its product detail.
        if (!found.some((f) => (index < f.end && end > f.index) || f.name === name)) found.push({ kind, name, index, end });
      }
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Gives each date a role from the words just before it; the rest are ordered (given before due). */
function assignDates(text: string, dates: FoundDate[], from: number): { given?: string; due?: string } {
  const roles: { iso: string; role: 'given' | 'due' | undefined }[] = [];
  let start = from;
  for (const d of dates) {
    const context = text.slice(Math.max(start, d.index - 40), d.index);
    roles.push({ iso: d.iso, role: dueWords.test(context) ? 'due' : givenWords.test(context) ? 'given' : undefined });
    start = d.end;
  }
  let given = roles.find((r) => r.role === 'given')?.iso;
  let due = roles.find((r) => r.role === 'due')?.iso;
  const open = roles.filter((r) => !r.role).map((r) => r.iso).sort();
  if (!given && open.length && (!due || open[0]! < due)) given = open.shift();
  if (!due && open.length) due = open.find((iso) => !given || iso > given);
  return { ...(given && { given }), ...(due && { due }) };
}

const fieldLabel = /\b(?:weight|wt|micro ?chip|sex|clinic|hospital|veterinarian|signed|owner|patient|invoice|total)\b/i;

/** Where the sentence holding `index` starts: a line's text before a mention belongs to it only from there. */
function sentenceStart(text: string, index: number): number {
  const ends = [...text.slice(0, index + 1).matchAll(/[.;!?]\s+(?=[A-Z])/g)];
  return ends.length ? ends.at(-1)!.index! + ends.at(-1)![0].length : 0;
}

/** Dates for one mention: its part of the line, then the next lines when they continue it. */
function datesFor(lines: DocLine[], i: number, text: string, m: Mention, next: Mention | undefined, first: boolean, order: DayOrder) {
  const segStart = first ? sentenceStart(text, m.index) : m.index;
  const segment = text.slice(segStart, next ? next.index : text.length);
  let dates = findDates(segment, order);
  let own = assignDates(segment, dates, m.end - segStart);
  if ((dates.length && own.due) || next) return own;
  // A block (certificate) or a wrapped sentence continues on the next lines, up to the next mention.
  let joined = segment;
  for (let j = i + 1; j < Math.min(lines.length, i + 4); j++) {
    const line = lines[j]!.text;
    const cut = mentionsIn(line)[0]?.index;
    const more = cut === undefined ? line : line.slice(0, sentenceStart(line, cut));
    if (fieldLabel.test(more) && !dueWords.test(more) && !givenWords.test(more)) break;
    // After a date, only a due date may follow ("… booster is due on 9 / January 2024").
    if (dates.length && !dueWords.test(`${joined.slice(dates.at(-1)!.end)} ${more}`)) break;
    joined = `${joined} ${more}`;
    const all = findDates(joined, order);
    if (all.length > dates.length) {
      dates = all;
      own = assignDates(joined, dates, m.end - segStart);
    }
    if (cut !== undefined) break;
  }
  return own;
}

function passageOf(l: DocLine): Passage {
  return { page: l.page, line: l.line, text: l.text };
}

function vaccinationsAndTreatments(lines: DocLine[], order: DayOrder) {
  const vacc: Vaccination[] = [];
  const treat: Treatment[] = [];
  lines.forEach((l, i) => {
    // A name wrapped onto the next line ("kennel / cough") is read with that line's first words.
    const after = lines[i + 1]?.page === l.page ? lines[i + 1]!.text.split(' ').slice(0, 2).join(' ') : '';
    const ms = mentionsIn(`${l.text} ${after}`).filter((m) => m.index < l.text.length);
    const found = ms.map((m, k) => datesFor(lines, i, l.text, m, ms[k + 1], k === 0, order));
    // "DHPP and Bordetella on 14 March": a mention joined to the next by "and" shares its dates.
    for (let k = ms.length - 2; k >= 0; k--) {
      const between = l.text.slice(ms[k]!.end, ms[k + 1]!.index);
      if (!found[k]!.given && !found[k]!.due && /^[\s,&+/]*(?:and|or|&)?\s*(?:an?|the|her|his)?[\s,]*$/i.test(between)) found[k] = found[k + 1]!;
    }
    ms.forEach((m, k) => {
      const { given, due } = found[k]!;
      if (!given && !due) return;
      if (m.kind === 'vaccine') vacc.push({ name: m.name, ...(given && { given }), ...(due && { due }), passage: passageOf(l) });
      else if (given) treat.push({ name: m.name, given, passage: passageOf(l) });
    });
  });
  return { vaccinations: mergeVaccinations(vacc), treatments: dedupe(treat, (t) => `${t.name}|${t.given}`) };
}

/** Joins a due-only reminder to the same vaccine's given-only entry, and drops repeats. */
function mergeVaccinations(list: Vaccination[]): Vaccination[] {
  const out: Vaccination[] = [];
  for (const v of list) {
    const twin = out.find((o) => o.name === v.name && (!o.due || !v.due || o.due === v.due) && (!o.given || !v.given || o.given === v.given));
    const fits = twin && (!twin.given || !v.due || twin.given < v.due) && (!v.given || !twin.due || v.given < twin.due);
    if (twin && fits) Object.assign(twin, { given: twin.given ?? v.given, due: twin.due ?? v.due });
    else out.push({ ...v });
  }
  return out.map((v) => ({ name: v.name, ...(v.given && { given: v.given }), ...(v.due && { due: v.due }), passage: v.passage }));
}

function dedupe<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => !seen.has(key(t)) && !!seen.add(key(t)));
}

/** The first line a reader finds a value in; then, for a value wrapped onto the next line, line pairs. */
function firstMatch<T>(lines: DocLine[], read: (text: string) => T | undefined): { value: T; passage: Passage } | undefined {
  for (const pairs of [false, true]) {
    for (let i = 0; i < lines.length - (pairs ? 1 : 0); i++) {
      const text = pairs && lines[i + 1]!.page === lines[i]!.page ? `${lines[i]!.text} ${lines[i + 1]!.text}` : lines[i]!.text;
      const value = read(text);
      if (value !== undefined) return { value, passage: { ...passageOf(lines[i]!), text } };
    }
  }
  return undefined;
}

/** Reads a weight in kg (pounds converted) from a labelled line. */
export function readWeightKg(text: string): number | undefined {
  const label = weightLabel.exec(text);
  if (!label) return undefined;
  const after = text.slice(label.index).replace(/(\d),(\d)/g, '$1.$2');
  const m = weightValue.exec(after);
  let [value, unit] = m ? [Number(m[1]), m[2]!.toLowerCase()] : [NaN, ''];
  if (!m) {
    const unitInLabel = /\((kg|lbs?)\)/i.exec(after);
    const bare = /(?:[:\s])(\d{1,3}(?:\.\d{1,2})?)\b/.exec(after.slice(unitInLabel ? unitInLabel.index : 0));
    if (!unitInLabel || !bare) return undefined;
    [value, unit] = [Number(bare[1]), unitInLabel[1]!.toLowerCase()];
  }
  const kg = /^k/.test(unit) ? value : value * 0.45359237;
  return kg > 0 && kg < 120 ? Math.round(kg * 10) / 10 : undefined;
}

/** A lone "5.8 kg" when no weight label was read (OCR can garble "Wt"); never a dose band ("10-24 kg") or a product line. */
export function readUnlabelledWeightKg(text: string): number | undefined {
  const m = /(?<![\d.,-]\s?)(?<![\d.,-])\b(\d{1,3}(?:[.,]\d{1,2})?)\s*(kgs?|lbs?)\b(?!\s*[-–/])/i.exec(text);
  if (!m || mentionsIn(text).length) return undefined;
  return readWeightKg(`weight ${m[0]}`);
}

/** Reads a microchip number: 15 digits (ISO 11784), or 9–10 after a chip label; spaces and dashes dropped. */
export function readMicrochip(text: string): string | undefined {
  const iso = /(?<![\d])(\d(?:[ -]?\d){14})(?![\d])/.exec(text);
  if (iso) return iso[1]!.replace(/\D/g, '');
  const label = chipLabel.exec(lettersForMatching(text));
  const short = label && /(?<![\d])(\d(?:[ -]?\d){8,9})(?![\d])/.exec(text.slice(label.index));
  return short ? short[1]!.replace(/\D/g, '') : undefined;
}

/** Reads whether the dog is spayed or neutered from an answer, the words used or a sex code (FS, MN, MI). */
export function readSpayNeuter(text: string): boolean | undefined {
  const answer = spayNeuterField.exec(text);
  if (answer) return /^(?:y|yes|true)$/i.test(answer[1]!);
  if (intact.test(text)) return false;
  if (sterilised.test(text)) return true;
  const code = sexCode.exec(text)?.[1]?.replace('/', '').toLowerCase();
  if (code && code.length === 2) return !code.includes('i');
  return undefined;
}

/** A bare sex code (M or F): vet systems mark sterilised animals (MN, FS), so a bare letter is intact. */
export function readBareSexCode(text: string): boolean | undefined {
  const code = sexCode.exec(text)?.[1];
  return code && code.length === 1 ? false : undefined;
}

/** Reads a clinic name: a "Clinic:" field, or the capitalised words ending in a clinic word. */
export function readClinic(text: string): string | undefined {
  const labelled = clinicLabel.exec(text);
  if (labelled) return labelled[1]!.split(/\s{2,}|\s[|•·]\s|,/)[0]!.trim();
  const suffix = clinicSuffix.exec(text);
  if (!suffix) return undefined;
  const column = text.slice(0, suffix.index).split(/\s{2,}|[|•·:]/).at(-1)!;
  const before = column.split(/\s+/).filter(Boolean);
  const name: string[] = [];
  for (let w = before.length - 1; w >= 0; w--) {
    const word = before[w]!;
    if (/^[A-Z0-9&'][\w&'’.-]*$/.test(word) || (/^(?:of|the|and|on)$/.test(word) && name.length)) name.unshift(word);
    else break;
  }
  while (name.length && /^(?:of|the|and|on)$/i.test(name[0]!)) name.shift();
  if (!name.length) return undefined;
  const suffixText = text.slice(suffix.index, suffix.index + suffix[0].length);
  return `${name.join(' ')} ${suffixText}`.replace(/\s+/g, ' ').trim();
}

/** Reads a veterinarian's name as "Dr. First Last". */
export function readVet(text: string): string | undefined {
  const m = vetLabel.exec(text) ?? vetName.map((re) => re.exec(text)).find(Boolean);
  return m ? `Dr. ${m[1]!.trim()}` : undefined;
}

/** Runs every field rule over a document's page texts (`ocr`: the text came from OCR and needs repair). */
export function extractFields(pages: string[], options: { ocr?: boolean } = {}): ExtractedFields {
  const lines = toLines(pages, options.ocr);
  const order = guessDayOrder(lines.map((l) => l.text).join('\n'));
  const fields: ExtractedFields = vaccinationsAndTreatments(lines, order);
  const microchip = firstMatch(lines, (t) => (chipLabel.test(lettersForMatching(t)) ? readMicrochip(t) : undefined)) ?? firstMatch(lines, readMicrochip);
  const weightKg = firstMatch(lines, readWeightKg) ?? firstMatch(lines, readUnlabelledWeightKg);
  const spayNeuter = firstMatch(lines, readSpayNeuter) ?? firstMatch(lines, readBareSexCode);
  const clinic = firstMatch(lines, (t) => (clinicLabel.test(t) ? readClinic(t) : undefined)) ?? firstMatch(lines, readClinic);
  const vet = firstMatch(lines, (t) => (vetLabel.test(t) ? readVet(t) : undefined)) ?? firstMatch(lines, readVet);
  return { ...fields, ...(microchip && { microchip }), ...(weightKg && { weightKg }), ...(spayNeuter && { spayNeuter }), ...(clinic && { clinic }), ...(vet && { vet }) };
}
