import { describe, expect, it } from 'vitest';
import { csvCell, neutraliseFormula, toCsv } from './export.csv.js';

describe('CSV writing', () => {
  it('quotes commas, quotes and line breaks, and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(true)).toBe('yes');
    expect(csvCell(['adopter', 'foster'])).toBe('adopter; foster');
  });

  it('neutralises cells that a spreadsheet would run as a formula', () => {
    for (const bad of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\tx', '=HYPERLINK("http://evil","x")']) expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('-')).toBe("'-");
    expect(csvCell('ok=fine')).toBe('ok=fine');
    // Kona's own numbers are never text a person typed.
    expect(csvCell(-5)).toBe('-5');
  });

  it('writes a document with a BOM, a header row and CRLF rows', () => {
    const csv = toCsv([{ header: 'name', value: (r: { n: string }) => r.n }, { header: 'len', value: (r) => r.n.length }], [{ n: 'Rex' }, { n: 'Bo, "B"' }]);
    expect(csv).toBe('\uFEFFname,len\r\nRex,3\r\n"Bo, ""B""",7\r\n');
  });
});
