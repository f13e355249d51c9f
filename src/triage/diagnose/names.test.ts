import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { namesFromFile, parseNames } from './names.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('names file', () => {
  it('takes one name a line, without comments, blanks and one-letter lines', () => {
    expect(parseNames('# people\nJane Doe\n\n  Biscuit  # a dog\nx\r\nMaría García\n')).toEqual(['Jane Doe', 'Biscuit', 'María García']);
  });

  it('is read again when it changes, keeps the last names when it becomes unreadable, and a missing file at start throws', () => {
    const file = path.join(dir, 'names.txt');
    writeFileSync(file, 'Biscuit\n');
    const errors: Error[] = [];
    const names = namesFromFile(file, (e) => errors.push(e));
    expect(names()).toEqual(['Biscuit']);
    writeFileSync(file, 'Biscuit\nPepperoni\n');
    utimesSync(file, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(names()).toEqual(['Biscuit', 'Pepperoni']);
    rmSync(file);
    expect(names()).toEqual(['Biscuit', 'Pepperoni']);
    expect(errors).toHaveLength(1);
    expect(() => namesFromFile(path.join(dir, 'missing.txt'))).toThrow(/ENOENT/);
  });
});
