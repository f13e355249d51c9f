/**
 * Five clinic layouts with different structure, date formats and vaccine naming: a US record with
 * tables, a UK letter in prose, an invoice with a reminders block, a vaccination certificate in
 * blocks, and a European key-value summary (the layout held out while tuning the rules).
 */
import { iso, type Random, type VetRecord } from './records.js';

/** One thing drawn on a page: text (PDF points, from the top left) or a rule line. */
export type DrawOp = { text: string; x: number; y: number; size: number; font: 'regular' | 'bold' | 'serif' | 'mono' } | { rule: [number, number, number, number] };

/** A laid-out document and the facts it prints that differ by layout. */
export interface LaidOut {
  ops: DrawOp[];
  clinic: string;
  printedWeightKg: number;
}

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const p2 = (n: number) => String(n).padStart(2, '0');
const ymd = (d: Date) => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()] as const;
const fmt = {
  mdy: (d: Date) => { const [y, m, dd] = ymd(d); return `${p2(m)}/${p2(dd)}/${y}`; },
  dmySlash: (d: Date) => { const [y, m, dd] = ymd(d); return `${p2(dd)}/${p2(m)}/${y}`; },
  dot: (d: Date) => { const [y, m, dd] = ymd(d); return `${p2(dd)}.${p2(m)}.${y}`; },
  iso,
  long: (d: Date) => { const [y, m, dd] = ymd(d); return `${months[m - 1]} ${dd}, ${y}`; },
  dLong: (d: Date) => { const [y, m, dd] = ymd(d); return `${dd} ${months[m - 1]} ${y}`; },
  short: (d: Date) => { const [y, m, dd] = ymd(d); return `${months[m - 1]!.slice(0, 3)} ${dd}, ${y}`; },
  dMonY: (d: Date) => { const [y, m, dd] = ymd(d); return `${p2(dd)}-${months[m - 1]!.slice(0, 3).toUpperCase()}-${y}`; },
};

type VaccineKey = VetRecord['vaccines'][number]['key'];
const naming: Record<string, Record<VaccineKey, string[]>> = {
  table: { Rabies: ['Rabies 3 Year', 'Rabies (1 yr)'], DHPP: ['DHPP', 'DA2PP'], Bordetella: ['Bordetella (intranasal)'], Leptospirosis: ['Leptospirosis 4-way'], 'Canine Influenza': ['Canine Influenza H3N2/H3N8'], Lyme: ['Lyme'] },
  letter: { Rabies: ['rabies'], DHPP: ['distemper/parvovirus', 'DHPPi'], Bordetella: ['kennel cough'], Leptospirosis: ['leptospirosis'], 'Canine Influenza': ['canine influenza'], Lyme: ['Lyme disease'] },
  invoice: { Rabies: ['Rabies vaccine'], DHPP: ['DA2PP vaccine', 'DAPPv vaccine'], Bordetella: ['Bordetella oral vaccine'], Leptospirosis: ['Lepto L4 vaccine'], 'Canine Influenza': ['CIV bivalent vaccine'], Lyme: ['Lyme vaccine'] },
  certificate: { Rabies: ['Rabies (Nobivac 3-Rabies)', 'Rabies (Defensor 3)'], DHPP: ['DAPPv (Vanguard Plus 5)', 'DHPP (Recombitek C4)'], Bordetella: ['Bordetella (Bronchi-Shield Oral)'], Leptospirosis: ['Leptospirosis (Nobivac Lepto4)'], 'Canine Influenza': ['Canine Influenza (Nobivac H3N2/H3N8)'], Lyme: ['Lyme (Vanguard crLyme)'] },
  summary: { Rabies: ['Rabies'], DHPP: ['Distemper-Parvo combo'], Bordetella: ['Kennel Cough'], Leptospirosis: ['L4'], 'Canine Influenza': ['CIV'], Lyme: ['Borrelia'] },
};

/** A page cursor: writes lines downward from the top. */
function page() {
  const ops: DrawOp[] = [];
  let y = 60;
  return {
    ops,
    line(text: string, opts: { x?: number; size?: number; font?: 'regular' | 'bold' | 'serif' | 'mono'; gap?: number } = {}) {
      const size = opts.size ?? 11;
      ops.push({ text, x: opts.x ?? 56, y, size, font: opts.font ?? 'regular' });
      y += opts.gap ?? size * 1.55;
    },
    cells(cols: [number, string][], opts: { size?: number; font?: 'regular' | 'bold' | 'mono' } = {}) {
      for (const [x, text] of cols) if (text) ops.push({ text, x, y, size: opts.size ?? 10.5, font: opts.font ?? 'regular' });
      y += (opts.size ?? 10.5) * 1.7;
    },
    rule() { ops.push({ rule: [56, y - 12, 556, y - 12] }); y += 6; },
    space(n = 10) { y += n; },
  };
}

const lb = (kg: number) => Math.round((kg / 0.45359237) * 10) / 10;
const toKg = (pounds: number) => pounds * 0.45359237;

function table(rec: VetRecord, r: Random): LaidOut {
  const clinic = r.pick(['Sunrise Animal Hospital', 'Cedar Creek Animal Hospital', 'Maple Grove Veterinary Hospital']);
  const p = page();
  const pounds = lb(rec.weightKg);
  p.line(clinic.toUpperCase() === clinic ? clinic : clinic, { size: 18, font: 'bold' });
  p.line(`${r.int(100, 9999)} ${r.pick(['Oak', 'Main', 'Elm', 'Pine'])} Street, Springfield, OR 9${r.int(1000, 9999)}  ·  (541) 555-${r.int(1000, 9999)}`, { size: 9 });
  p.rule();
  p.line('PATIENT MEDICAL RECORD', { font: 'bold', size: 13 });
  p.cells([[56, `Patient: ${rec.dog}`], [230, 'Species: Canine'], [400, `Sex: ${rec.female ? 'F' : 'M'}${rec.sterilised ? (rec.female ? 'S' : 'N') : 'I'}`]]);
  p.cells([[56, `Weight: ${pounds} lbs`], [230, `Microchip: ${rec.microchip.replace(/(\d{3})(?=\d)/g, '$1 ')}`], [430, `Visit date: ${fmt.mdy(rec.visit)}`]]);
  p.space();
  p.line('Vaccination History', { font: 'bold', size: 12 });
  p.cells([[56, 'Vaccine'], [250, 'Date Given'], [350, 'Next Due'], [450, 'Lot #']], { font: 'bold' });
  p.rule();
  for (const v of rec.vaccines) p.cells([[56, r.pick(naming.table![v.key])], [250, fmt.mdy(v.given)], [350, fmt.mdy(v.due)], [450, `${r.pick(['A', 'K', 'R'])}${r.int(10000, 99999)}`]]);
  if (rec.treatments.length) {
    p.space();
    p.line('Parasite Prevention', { font: 'bold', size: 12 });
    p.cells([[56, 'Product'], [250, 'Date Given'], [350, 'Doses']], { font: 'bold' });
    for (const t of rec.treatments) p.cells([[56, `${t.key} ${r.pick(['(25-50 lb)', '(51-100 lb)', 'chewable'])}`], [250, fmt.mdy(t.given)], [350, String(r.int(1, 6))]]);
  }
  p.space(20);
  p.line(`Attending veterinarian: Dr. ${rec.vet.first} ${rec.vet.last}`);
  p.line('Thank you for trusting us with your pet\'s care.', { size: 9 });
  return { ops: p.ops, clinic, printedWeightKg: toKg(pounds) };
}

function letter(rec: VetRecord, r: Random): LaidOut {
  const clinic = r.pick(['Harbour Vets', 'Kingsway Veterinary Surgery', 'Riverside Vets']);
  const p = page();
  const [she, her] = rec.female ? ['She', 'her'] : ['He', 'his'];
  const d = r.pick([fmt.dLong, fmt.dmySlash]);
  p.line(clinic, { size: 20, font: 'serif' });
  p.line(`${r.int(2, 90)} High Street, Falmouth TR11 ${r.int(1, 9)}AB  ·  01326 ${r.int(100000, 999999)}`, { size: 9 });
  p.space(16);
  p.line(fmt.dLong(rec.visit), { font: 'serif' });
  p.line('Dear Rescue Team,', { font: 'serif' });
  const sentences = [
    `${rec.dog} was seen by Dr ${rec.vet.first} ${rec.vet.last} on ${d(rec.visit)} for a health check.`,
    `${she} weighed ${rec.weightKg} kg and is ${rec.sterilised ? (rec.female ? 'spayed' : 'neutered') : `not yet ${rec.female ? 'spayed' : 'neutered'}`}.`,
    `${her[0]!.toUpperCase()}${her.slice(1)} microchip number is ${rec.microchip}.`,
    ...rec.vaccines.map((v) => `${she} received ${her} ${r.pick(naming.letter![v.key])} vaccination on ${d(v.given)}, and the next booster is due on ${d(v.due)}.`),
    ...rec.treatments.map((t) => `${t.key} was given on ${d(t.given)}.`),
    'Please do get in touch if you have any questions.',
  ];
  for (const s of wrap(sentences.join(' '), 92)) p.line(s, { font: 'serif' });
  p.space(16);
  p.line('Kind regards,', { font: 'serif' });
  p.line(`${rec.vet.first} ${rec.vet.last} BVSc MRCVS`, { font: 'serif' });
  return { ops: p.ops, clinic, printedWeightKg: rec.weightKg };
}

function invoice(rec: VetRecord, r: Random): LaidOut {
  const clinic = r.pick(['Lakeside Veterinary Clinic', 'Paws & Claws Animal Clinic', 'Bayview Pet Hospital']);
  const p = page();
  p.cells([[56, clinic], [420, 'INVOICE']], { size: 15, font: 'bold' });
  p.cells([[56, `Invoice #${r.int(10000, 99999)}`], [420, `Date: ${iso(rec.visit)}`]], { size: 10 });
  p.cells([[56, `Client: ${r.pick(['Hope', 'Second Chance', 'Happy Tails'])} Rescue`], [300, `Patient: ${rec.dog} (Canine, ${rec.female ? 'F' : 'M'}${rec.sterilised ? (rec.female ? 'S' : 'N') : ''})`]], { size: 10 });
  p.cells([[56, `Wt: ${rec.weightKg} kg`], [300, `MC#: ${rec.microchip}`]], { size: 10 });
  p.cells([[56, `Provider: Dr. ${rec.vet.first} ${rec.vet.last}`]], { size: 10 });
  p.space();
  p.cells([[56, 'Date'], [140, 'Description'], [420, 'Qty'], [480, 'Amount']], { font: 'bold' });
  p.rule();
  let total = 0;
  const row = (d: Date, text: string) => { const amt = r.int(15, 90) + 0.5; total += amt; p.cells([[56, iso(d)], [140, text], [420, '1'], [480, `$${amt.toFixed(2)}`]]); };
  row(rec.visit, 'Examination - wellness');
  for (const v of rec.vaccines) row(v.given, r.pick(naming.invoice![v.key]));
  for (const t of rec.treatments) row(t.given, `${t.key} ${r.pick(['3 pack', '1 dose', '6 month supply'])}`);
  p.rule();
  p.cells([[400, 'Total'], [480, `$${total.toFixed(2)}`]], { font: 'bold' });
  p.space(16);
  p.line('Reminders', { font: 'bold' });
  for (const v of rec.vaccines) p.line(`${naming.invoice![v.key]![0]!.replace(/ vaccine$/, '')} - due ${iso(v.due)}`, { size: 10 });
  return { ops: p.ops, clinic, printedWeightKg: rec.weightKg };
}

function certificate(rec: VetRecord, r: Random): LaidOut {
  const clinic = r.pick(['Northgate Animal Clinic', 'Desert Sun Veterinary Center']);
  const p = page();
  const d = r.pick([fmt.short, fmt.long]);
  p.line('CERTIFICATE OF VACCINATION', { size: 17, font: 'bold', x: 150 });
  p.line(`Clinic: ${clinic}`, { x: 56 });
  p.cells([[56, `Dog: ${rec.dog}`], [300, `Microchip Number: ${rec.microchip}`]]);
  p.cells([[56, `Sex: ${rec.female ? 'Female' : 'Male'}`], [300, `Spayed/Neutered: ${rec.sterilised ? 'Yes' : 'No'}`]]);
  p.cells([[56, `Weight: ${rec.weightKg} kg`]]);
  p.rule();
  for (const v of rec.vaccines) {
    p.line(`Vaccine: ${r.pick(naming.certificate![v.key])}`, { font: 'bold' });
    p.line(`Serial/Lot: ${r.int(100000, 999999)}    Manufacturer: ${r.pick(['Merck', 'Zoetis', 'Boehringer'])}`, { size: 10 });
    p.line(`Date Administered: ${d(v.given)}`, { size: 10 });
    p.line(`Expiration Date: ${d(v.due)}`, { size: 10, gap: 22 });
  }
  for (const t of rec.treatments) p.line(`Treatment: ${t.key}   Date: ${d(t.given)}`, { size: 10 });
  p.space(20);
  p.line(`Veterinarian: ${rec.vet.first} ${rec.vet.last}, DVM`);
  p.line(`License No. ${r.int(1000, 99999)}`, { size: 9 });
  return { ops: p.ops, clinic, printedWeightKg: rec.weightKg };
}

function summary(rec: VetRecord, r: Random): LaidOut {
  const clinic = r.pick(['Westbrook Veterinary Centre', 'Alpine Veterinary Practice']);
  const p = page();
  const dots = (k: string) => `${k} ${'.'.repeat(Math.max(3, 28 - k.length))}`;
  p.line(`${clinic} - Patient summary`, { size: 15, font: 'bold' });
  p.line(`Printed ${fmt.dot(rec.visit)}`, { size: 9 });
  p.rule();
  p.line(`${dots('Name')} ${rec.dog}`, { font: 'mono', size: 10 });
  p.line(`${dots('Body weight')} ${String(rec.weightKg).replace('.', ',')} kg`, { font: 'mono', size: 10 });
  p.line(`${dots('Transponder')} ${rec.microchip}`, { font: 'mono', size: 10 });
  p.line(`${dots('Neutered')} ${rec.sterilised ? 'yes' : 'no'}`, { font: 'mono', size: 10 });
  p.space();
  p.line('Immunisations', { font: 'bold' });
  for (const v of rec.vaccines) p.line(`${dots(r.pick(naming.summary![v.key]))} ${fmt.dot(v.given)} (revaccinate ${fmt.dot(v.due)})`, { font: 'mono', size: 10 });
  if (rec.treatments.length) p.line('Antiparasitics', { font: 'bold' });
  for (const t of rec.treatments) p.line(`${dots(t.key)} ${fmt.dot(t.given)}`, { font: 'mono', size: 10 });
  p.space(14);
  p.line(`Examined by: Dr ${rec.vet.first} ${rec.vet.last}`);
  return { ops: p.ops, clinic, printedWeightKg: rec.weightKg };
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** The layouts by name; `summary` is held out while tuning the rules. */
export const layouts = { table, letter, invoice, certificate, summary } as const;
export type LayoutName = keyof typeof layouts;
