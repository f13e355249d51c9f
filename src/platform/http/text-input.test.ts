import { describe, expect, it } from 'vitest';
import { fieldsWithControlCharacters, hasControlCharacter, withoutControlCharacters } from './text-input.js';

describe('control characters in text input', () => {
  it('finds C0 controls, DEL and C1 controls but not tab, newline or carriage return', () => {
    for (const c of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f']) expect(hasControlCharacter(`a${c}b`)).toBe(true);
    expect(hasControlCharacter('tab\there\r\nnew line, ünïcödé, emoji 🐕')).toBe(false);
  });

  it('takes them out and leaves the rest of the text as typed', () => {
    expect(withoutControlCharacters('Bis\u0000cu\u001bit\tand\nmore')).toBe('Biscuit\tand\nmore');
  });

  it('names each field, nested value and key that holds one', () => {
    expect(fieldsWithControlCharacters({ name: 'ok', notes: 'b\u0000d', tags: ['fine', 'b\u0001d'], answers: { q1: 'x\u007f' }, ['k\u0000ey']: 'v' })).toEqual(['notes', 'tags.1', 'answers.q1', 'key']);
    expect(fieldsWithControlCharacters('\u0000')).toEqual(['value']);
    expect(fieldsWithControlCharacters(undefined)).toEqual([]);
  });
});
