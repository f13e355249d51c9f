/**
 * Spelling repair for OCR text against the words vet documents use: a word one edit away from a
 * known word (two for long words) becomes that word (`rahies` → `rabies`, `Credello` → `Credelio`,
 * `Jime` → `June`), and a word split in two (`J une`) is joined. Short words are left alone: at
 * four letters and under a single edit turns too many words into others.
 */
const known = [
  'weight', 'weighed', 'microchip', 'transponder', 'neutered', 'spayed', 'castrated', 'intact', 'desexed', 'rabies', 'bordetella',
  'distemper', 'parvovirus', 'leptospirosis', 'influenza', 'kennel', 'cough', 'borrelia', 'vaccine', 'vaccination', 'vaccinated',
  'revaccinate', 'administered', 'expiration', 'expires', 'booster', 'given', 'veterinarian', 'veterinary', 'clinic', 'hospital', 'center', 'centre', 'surgery', 'practice', 'animal', 'examined',
  'nexgard', 'bravecto', 'simparica', 'credelio', 'frontline', 'revolution', 'heartgard', 'interceptor', 'proheart', 'sentinel',
  'drontal', 'panacur', 'pyrantel', 'milbemax', 'seresto', 'capstar', 'advantage', 'fenbendazole', 'praziquantel',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december',
];
const knownSet = new Set(known);

function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]!);
    }
    if (best > max) return false;
    prev = row;
  }
  return prev[b.length]! <= max;
}

function repairWord(word: string): string {
  const lower = word.toLowerCase();
  if (lower.length < 4 || knownSet.has(lower)) return word;
  const max = lower.length >= 8 ? 2 : 1;
  const fix = known.find((k) => k[0] === lower[0] || k[1] === lower[1] ? withinEdits(lower, k, max) : false);
  if (!fix) return word;
  return word[0] === word[0]!.toUpperCase() ? fix[0]!.toUpperCase() + fix.slice(1) : fix;
}

/** Repairs the known words of one OCR line; other text is kept as it is. */
export function repairOcrWords(line: string): string {
  const parts = line.split(' ');
  for (let i = parts.length - 2; i >= 0; i--) {
    const tail = /^([a-z]+)(\W*)$/.exec(parts[i + 1]!);
    if (/^[A-Za-z]+$/.test(parts[i]!) && tail && knownSet.has(`${parts[i]}${tail[1]}`.toLowerCase())) parts.splice(i, 2, `${parts[i]}${parts[i + 1]}`);
  }
  const joined = parts.join(' ');
  return joined.replace(/[A-Za-z][A-Za-z0-9]{3,}/g, (w) => (/\d/.test(w) && !/[a-z]{3}/i.test(w) ? w : repairWord(w.replace(/[01]/g, (d) => (d === '0' ? 'o' : 'l')))));
}
