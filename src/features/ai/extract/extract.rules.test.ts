import { describe, expect, it } from 'vitest';
import { findDates, fixOcrDigits, guessDayOrder } from './extract.dates.js';
import { extractFields, readClinic, readMicrochip, readSpayNeuter, readVet, readWeightKg } from './extract.rules.js';
import { toExpectedShape } from './extract.schema.js';
import { repairOcrWords } from './extract.spelling.js';

const isoOf = (line: string, order?: 'mdy' | 'dmy') => findDates(line, order).map((d) => d.iso);
const read = (text: string, ocr = false) => toExpectedShape(extractFields([text], { ocr }));

describe('dates', () => {
  it.each([
    ['given 2025-03-14', '2025-03-14'],
    ['given 2025/3/4', '2025-03-04'],
    ['given 03/14/2025', '2025-03-14'],
    ['given 3-4-25', '2025-03-04'],
    ['given 14.03.2025', '2025-03-14'],
    ['given 08. 07. 2025 (OCR spaces)', '2025-07-08'],
    ['given 14 March 2025', '2025-03-14'],
    ['given 14th of Mar 2025', '2025-03-14'],
    ['given March 14, 2025', '2025-03-14'],
    ['given Sept. 3rd, 2024', '2024-09-03'],
    ['given 14-MAR-2025', '2025-03-14'],
  ])('reads %s', (line, iso) => expect(isoOf(line)).toEqual([iso]));

  it('reads ambiguous numeric dates in the order the document proves', () => {
    expect(isoOf('04/05/2025', 'dmy')).toEqual(['2025-05-04']);
    expect(isoOf('04/05/2025', 'mdy')).toEqual(['2025-04-05']);
    expect(guessDayOrder('Visit 25/03/2025\nRabies 04/05/2025')).toBe('dmy');
    expect(guessDayOrder('Visit 03/25/2025\nRabies 04/05/2025')).toBe('mdy');
    expect(guessDayOrder('Seen on 4 May 2025. Rabies 04/05/2025')).toBe('dmy');
  });

  it('rejects impossible dates and bare numbers', () => {
    expect(isoOf('02/30/2025 and 13/13/2025 and lot 123456 and $45.00')).toEqual([]);
  });

  it('undoes OCR letter-for-digit swaps in numbers but not in words', () => {
    expect(fixOcrDigits('Rabies O3/l4/2O25 Lot S1234')).toBe('Rabies 03/14/2025 Lot 51234');
    expect(fixOcrDigits('Chip 98511200345678O')).toBe('Chip 985112003456780');
    expect(fixOcrDigits('Dose 1 of 2, Oral')).toBe('Dose 1 of 2, Oral');
  });

  it('repairs OCR misspellings of the vet vocabulary', () => {
    expect(repairOcrWords('rahies vaccination, Credello, Jnne 19, Rabi es, Bordete1la')).toBe('rabies vaccination, Credelio, June 19, Rabies, Bordetella');
    expect(repairOcrWords('Dear Team, the dog is fine')).toBe('Dear Team, the dog is fine');
  });
});

describe('scalar fields', () => {
  it.each([
    ['Weight: 42.5 lbs', 19.3],
    ['Wt 19,3 kg', 19.3],
    ['Body weight (kg): 7.2', 7.2],
    ['She weighed 31 kg today', 31],
    ['Weight: 42.51b', 19.3],
    ['Weight 22 pounds', 10],
  ])('weight %s', (text, kg) => expect(readWeightKg(text)).toBe(kg));

  it('does not take a dose band for a weight', () => {
    expect(readWeightKg('NexGard (25-50 lb) 03/14/2025')).toBeUndefined();
    expect(read('NexGard 10.1-24 kg chewable').weightKg).toBeUndefined();
  });

  it.each([
    ['Microchip: 985 112 003 456 789', '985112003456789'],
    ['MC#: 985-112-003-456-789', '985112003456789'],
    ['Chip: 98511200345678O', '985112003456780'],
    ['AVID chip 123456789', '123456789'],
  ])('microchip %s', (text, chip) => expect(readMicrochip(fixOcrDigits(text))).toBe(chip));

  it.each([
    ['Sex: FS', true], ['Sex: M/N', true], ['Patient: Max (Canine, MN)', true], ['Spayed/Neutered: Yes', true], ['Neutered ........ no', false],
    ['He is not yet neutered.', false], ['Status: intact male', false], ['She was spayed in 2023', true], ['Sex: Female', undefined],
  ] as const)('spay/neuter %s', (text, value) => expect(readSpayNeuter(text)).toBe(value));

  it('reads clinic and vet names in their usual forms', () => {
    expect(readClinic('CEDAR CREEK   Paws & Claws Animal Clinic   INVOICE')).toBe('Paws & Claws Animal Clinic');
    expect(readClinic('Clinic: Northgate Animal Clinic, Tucson AZ')).toBe('Northgate Animal Clinic');
    expect(readClinic('Bella was seen at Harbour Vets today')).toBe('Harbour Vets');
    expect(readVet('Veterinarian: Kenji Lindqvist, DVM')).toBe('Dr. Kenji Lindqvist');
    expect(readVet('Examined by: Dr Priya Haddad')).toBe('Dr. Priya Haddad');
    expect(readVet('Sofia Sharma BVSc MRCVS')).toBe('Dr. Sofia Sharma');
    expect(readVet('Provider: Dr, Priya Castillo')).toBe('Dr. Priya Castillo');
    expect(read('Desert Sun Vetermary Cenler', true).clinic).toBe('Desert Sun Veterinary Center');
  });
});

describe('vaccinations and treatments', () => {
  it('reads a table row: earlier date given, later date due, whatever the column order', () => {
    expect(read('Vaccine  Next Due  Given\nDA2PP  03/14/2026  03/14/2025\nRabies (1 yr)  03/14/2026  03/14/2025').vaccinations).toEqual([
      { name: 'DHPP', given: '2025-03-14', due: '2026-03-14' },
      { name: 'Rabies', given: '2025-03-14', due: '2026-03-14' },
    ]);
  });

  it('reads prose with a wrapped name and a date split over two lines', () => {
    const text = 'Luna was seen on 9 January 2023. He received his kennel\ncough vaccination on 9 January 2023, and the next booster is due on 9\nJanuary 2024. Drontal was given on 2 January 2023.';
    expect(read(text)).toMatchObject({ vaccinations: [{ name: 'Bordetella', given: '2023-01-09', due: '2024-01-09' }], treatments: [{ name: 'Drontal', given: '2023-01-02' }] });
  });

  it('reads a certificate block and ignores the lot number', () => {
    const text = 'Vaccine: Rabies (Nobivac 3-Rabies)\nSerial/Lot: 123456  Manufacturer: Merck\nDate Administered: Mar 14, 2025\nExpiration Date: Mar 14, 2028';
    expect(read(text).vaccinations).toEqual([{ name: 'Rabies', given: '2025-03-14', due: '2028-03-14' }]);
  });

  it('joins an invoice line item to its reminder', () => {
    const text = '2025-03-14  Lepto L4 vaccine  1  $32.00\n2025-03-14  NexGard 3 pack  1  $54.00\nReminders\nLepto L4 - due 2026-03-14';
    expect(read(text)).toMatchObject({ vaccinations: [{ name: 'Leptospirosis', given: '2025-03-14', due: '2026-03-14' }], treatments: [{ name: 'NexGard', given: '2025-03-14' }] });
  });

  it('shares one date between names joined by "and"', () => {
    expect(read('She had DHPP and Bordetella on 14/05/2025.').vaccinations?.map((v) => [v.name, v.given])).toEqual([['DHPP', '2025-05-14'], ['Bordetella', '2025-05-14']]);
  });

  it('reads a due-only reminder and a key-value line with "revaccinate"', () => {
    expect(read('Canine Influenza next due 2026-01-02').vaccinations).toEqual([{ name: 'Canine Influenza', due: '2026-01-02' }]);
    expect(read('Kennel Cough ...... 27.08.2023 (revaccinate 25.02.2024)').vaccinations).toEqual([{ name: 'Bordetella', given: '2023-08-27', due: '2024-02-25' }]);
  });

  it('reads OCR text with confusions, and keeps the passage of each field', () => {
    const fields = extractFields(['Rab1es   O3/l4/2O25   O3/l4/2O28\nWeight: 42.51b'], { ocr: true });
    expect(fields.vaccinations).toEqual([{ name: 'Rabies', given: '2025-03-14', due: '2028-03-14', passage: { page: 1, line: 1, text: 'Rabies  03/14/2025  03/14/2028' } }]);
    expect(fields.weightKg).toEqual({ value: 19.3, passage: { page: 1, line: 2, text: 'Weight: 42.51b' } });
  });

  it('reads a layout none of the corpus layouts has (service history, short US dates, # for pounds)', () => {
    const text = [
      'Green Valley Veterinary Group',
      'Patient: Rex   Canine   Neutered Male   Wt 68 lb',
      'ISO chip # 941000024681357',
      'Date        Service                         Next Due',
      '1/5/24      DHLPP-C booster                 1/5/25',
      '1/5/24      Rabies 1 Yr (Imrab)             1/5/25',
      '12/20/23    Heartgard Plus 51-100#',
      'Doctor: Dr. Ana Ruiz',
    ].join('\n');
    expect(read(text)).toEqual({
      vaccinations: [{ name: 'DHPP', given: '2024-01-05', due: '2025-01-05' }, { name: 'Rabies', given: '2024-01-05', due: '2025-01-05' }],
      treatments: [{ name: 'Heartgard', given: '2023-12-20' }],
      microchip: '941000024681357', weightKg: 30.8, spayNeuter: true, clinic: 'Green Valley Veterinary Group', vet: 'Dr. Ana Ruiz',
    });
  });

  it('finds nothing in text that is not a vet record', () => {
    expect(read('Invoice #12345 dated 2025-03-14. Total $45.00. Thank you!')).toEqual({});
  });
});
