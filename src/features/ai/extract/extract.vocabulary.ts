/**
 * What the words on a vet document mean: vaccine and product names (with the spellings clinics
 * use), and the labels around dates, weights, chips and sterilisation. Patterns run on text whose
 * OCR letter/digit swaps inside words were undone (see `lettersForMatching`).
 */

/** Canonical vaccine names and the ways documents write them. */
export const vaccines: { name: string; re: RegExp }[] = [
  { name: 'Rabies', re: /\b(?:rabies|rabvac|imrab|defensor)\b/gi },
  { name: 'DHPP', re: /\b(?:da2ppv?c?|dhl?ppi?v?c?|dappv?c?|da2p|dhp|dap|distemper(?:[\s/-]*(?:parvo(?:virus)?|combo))*|parvo(?:virus)?|5[- ]in[- ]1)\b/gi },
  { name: 'Bordetella', re: /\b(?:bordetella(?: bronchiseptica)?|kennel cough)\b/gi },
  { name: 'Leptospirosis', re: /\b(?:lepto(?:spirosis)?(?: ?[24]-?way)?|l4)\b/gi },
  { name: 'Canine Influenza', re: /\b(?:canine influenza|civ|h3n2(?:\/h3n8)?|h3n8)\b/gi },
  { name: 'Lyme', re: /\b(?:lyme(?: disease)?|borrelia)\b/gi },
];

/** Canonical treatment (parasite control and prevention) names. */
export const treatments: { name: string; re: RegExp }[] = [
  ['NexGard', 'nexgard(?: spectra| plus)?'], ['Bravecto', 'bravecto'], ['Simparica', 'simparica(?: trio)?'],
  ['Credelio', 'credelio'], ['Frontline', 'frontline(?: plus)?'], ['Revolution', 'revolution(?: plus)?'],
  ['Advantage', 'advantage(?: ii| multi)?'], ['Seresto', 'seresto'], ['Capstar', 'capstar'],
  ['Heartgard', 'heartgard(?: plus)?'], ['Interceptor', 'interceptor(?: plus)?'], ['ProHeart', 'proheart(?: ?6| ?12)?'],
  ['Sentinel', 'sentinel(?: spectrum)?'], ['Drontal', 'drontal(?: plus)?'], ['Panacur', 'panacur|fenbendazole'],
  ['Pyrantel', 'pyrantel(?: pamoate)?|strongid'], ['Milbemax', 'milbemax'], ['Praziquantel', 'praziquantel|droncit'],
].map(([name, re]) => ({ name: name!, re: new RegExp(`\\b(?:${re})\\b`, 'gi') }));

/** Words that make the date after them a due date. */
export const dueWords = /\b(?:due|next|expir\w*|exp\.?|booster|revacc\w*|renew\w*|valid (?:until|through|thru|to)|until|reminder|recall)\b/i;
/** Words that make the date after them the date something was given. */
export const givenWords = /\b(?:given|gvn|admin\w*|vaccinated|received|done|applied|dispensed|on|date)\b/i;

/** Labels of a weight. */
export const weightLabel = /\b(?:weight|wt|weighs|weighed|body ?weight|bw)\b/i;
/** A weight with its unit; `lb` and `kg` also as OCR reads them (1b, Ib; kq, ky, k9). */
export const weightValue = /(\d{1,3}(?:[.,]\d{1,2})?)\s*(k[gqy9]s?|kilo(?:gram)?s?|lbs?|[1I]bs?|pounds?)\b/i;

/** Labels of a microchip number. */
export const chipLabel = /\b(?:micro ?chip|chip|transponder|mc|iso|implant|pit)\b/i;

/** Sterilised, in words. */
export const sterilised = /\b(?:spayed|neutered|castrated|desexed|sterili[sz]ed|ovariohysterectomy|ohe|orchiectomy)\b/i;
/** Not sterilised, in words. */
export const intact = /\b(?:intact|entire|unaltered|not (?:been |yet )?(?:spayed|neutered|desexed|castrated)|un(?:spayed|neutered))\b/i;
/** A sex code after a sex label or the species: FS, MN, F/S, M/N (sterilised) or F, M, FI, M/I (intact). */
export const sexCode = /\b(?:sex|canine|dog|k9)[\s.:,]*(f\/?s|m\/?n|s\/?f|n\/?m|f\/?i|m\/?i|f|m)\b/i;
/** A spay/neuter field with an explicit answer. */
export const spayNeuterField =
  /\b(?:spay(?:ed)?|neuter(?:ed)?|desexed|sterili[sz]ed|altered)\b(?:\s*\/\s*neuter(?:ed)?)?(?:[\s.:?_-]*|[\s.:?_-][^\n]{0,30}?[\s.:_-])(yes|no|y|n|true|false)\b(?=\s{2,}|\s*$|\s*[|,;])/i;

/** What clinic names end with. */
export const clinicSuffix =
  /\b(?:animal hospital|veterinary (?:clinic|hospital|center|centre|group|practice|services|surgery|associates)|vet(?:erinary)? clinic|animal clinic|pet hospital|pet clinic|animal medical center|animal care center|vets|veterinarians)\b/i;
/** A clinic field. */
export const clinicLabel = /\b(?:clinic|hospital|practice)(?: name)?\s*:\s*(.+)$/i;
/** A veterinarian field. */
export const vetLabel =
  /\b(?:[Vv]eterinarian|VETERINARIAN|[Vv]et|[Aa]ttending(?: [Vv]et(?:erinarian)?)?|[Dd]octor|[Cc]linician|[Ss]igned(?: by)?|[Ee]xamined by|[Ss]een by|[Pp]rovider)\s*:\s*(?:[Dd][Rr][.,]?\s*)?(?!D[Rr]\b)([A-Z][A-Za-z'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Za-z'-]+){0,2})/;
/** Dr. First Last, or First Last, DVM. */
export const vetName = [
  /\bDr\.?\s+([A-Z][a-z'-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Za-z'-]+){0,2})/,
  /\b([A-Z][a-z'-]+(?:\s+[A-Z]\.)?\s+[A-Z][A-Za-z'-]+),?\s+(?:DVM|VMD|BVSc|MRCVS|BVMS|BVetMed|MVB)\b/,
];

/**
 * Undoes OCR's digit-for-letter swaps inside words (`Rab1es`, `B0rdetella`, `|epto`), keeping every
 * character's position so a match points back into the original line.
 */
export function lettersForMatching(line: string): string {
  return line.replace(/(?<=[A-Za-z])[10|5](?=[A-Za-z])|(?<=\b)[|](?=[a-z])/g, (c) => ({ '1': 'l', '0': 'o', '|': 'l', '5': 's' })[c]!);
}

/** The canonical vaccine name for any spelling (or the trimmed input when unknown). */
export function canonicalVaccine(name: string): string {
  for (const v of vaccines) {
    v.re.lastIndex = 0;
    if (v.re.test(name)) return v.name;
  }
  return name.trim();
}

/** The canonical treatment name for any spelling (or the trimmed input when unknown). */
export function canonicalTreatment(name: string): string {
  for (const t of treatments) {
    t.re.lastIndex = 0;
    if (t.re.test(name)) return t.name;
  }
  return name.trim();
}
