/**
 * Random vet records for the generated corpus, deterministic from a seed: the facts a document
 * states, and `<name>.expected.json` built from exactly what it prints.
 */
import type { ExpectedFields } from '../../src/features/ai/extract/extract.public.js';

/** A seeded pseudo-random source (mulberry32): the same seed gives the same corpus. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
    some: <T>(list: readonly T[], min: number, max: number): T[] => {
      const copy = [...list];
      const n = min + Math.floor(next() * (max - min + 1));
      const out: T[] = [];
      while (out.length < n && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]!);
      return out;
    },
  };
}
export type Random = ReturnType<typeof seededRandom>;

/** One vaccine given at a visit, with its due date. */
export interface VaccineGiven {
  key: 'Rabies' | 'DHPP' | 'Bordetella' | 'Leptospirosis' | 'Canine Influenza' | 'Lyme';
  given: Date;
  due: Date;
}

/** The facts behind one document. */
export interface VetRecord {
  dog: string;
  female: boolean;
  sterilised: boolean;
  weightKg: number;
  microchip: string;
  vet: { first: string; last: string };
  visit: Date;
  vaccines: VaccineGiven[];
  treatments: { key: string; given: Date }[];
}

const dogs = ['Bella', 'Max', 'Luna', 'Rocky', 'Daisy', 'Milo', 'Koa', 'Nala', 'Bear', 'Pepper', 'Scout', 'Willow', 'Juniper', 'Biscuit'];
const firsts = ['Maria', 'James', 'Aisha', 'Tom', 'Priya', 'Daniel', 'Sofia', 'Kenji', 'Grace', 'Liam', 'Noor', 'Elena'];
const lasts = ['Lopez', 'Whitfield', 'Okafor', 'Brennan', 'Sharma', 'Novak', 'Castillo', 'Tanaka', 'Hughes', 'Moreau', 'Haddad', 'Lindqvist'];
const vaccineKeys: VaccineGiven['key'][] = ['Rabies', 'DHPP', 'Bordetella', 'Leptospirosis', 'Canine Influenza', 'Lyme'];
/** Product names the layouts print (the rules know them as parasite control). */
export const treatmentKeys = ['NexGard', 'Bravecto', 'Simparica', 'Heartgard', 'Revolution', 'Credelio', 'Interceptor', 'Milbemax', 'Drontal', 'Panacur'];

const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const addYears = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear() + n, d.getUTCMonth(), Math.min(d.getUTCDate(), 28)));

/** A random record: a visit in 2023–2026, 1–4 vaccines, 0–2 treatments. */
export function randomRecord(r: Random): VetRecord {
  const visit = new Date(Date.UTC(r.int(2023, 2026), r.int(0, 11), r.int(1, 28)));
  const vaccines = r.some(vaccineKeys, 1, 4).map((key) => {
    const given = r.chance(0.8) ? visit : addDays(visit, -r.int(20, 300));
    const years = key === 'Rabies' ? r.pick([1, 3]) : key === 'Bordetella' && r.chance(0.4) ? 0.5 : 1;
    return { key, given, due: years === 0.5 ? addDays(given, 182) : addYears(given, years) };
  });
  return {
    dog: r.pick(dogs),
    female: r.chance(0.5),
    sterilised: r.chance(0.75),
    weightKg: Math.round((4 + r.next() * 40) * 10) / 10,
    microchip: `9${r.pick(['85', '00', '56', '77'])}${Array.from({ length: 12 }, () => r.int(0, 9)).join('')}`,
    vet: { first: r.pick(firsts), last: r.pick(lasts) },
    visit,
    vaccines,
    treatments: r.some(treatmentKeys, 0, 2).map((key) => ({ key, given: r.chance(0.8) ? visit : addDays(visit, -r.int(10, 90)) })),
  };
}

/** ISO date of a UTC date. */
export const iso = (d: Date) => d.toISOString().slice(0, 10);

/** The expected fields of a document printing this record with this clinic and weight. */
export function expectedFor(rec: VetRecord, clinic: string, printedWeightKg: number): ExpectedFields {
  return {
    vaccinations: rec.vaccines.map((v) => ({ name: v.key, given: iso(v.given), due: iso(v.due) })),
    ...(rec.treatments.length && { treatments: rec.treatments.map((t) => ({ name: t.key, given: iso(t.given) })) }),
    microchip: rec.microchip,
    weightKg: Math.round(printedWeightKg * 10) / 10,
    spayNeuter: rec.sterilised,
    clinic,
    vet: `Dr. ${rec.vet.first} ${rec.vet.last}`,
  };
}
