import { describe, expect, it } from 'vitest';
import { fillPlaceholders, hasStrayBraces, isPlaceholder, unknownPlaceholders } from './placeholders.js';

const list = { dog_name: "The dog's name", rescue_name: "The rescue's name" } as const;
const values = { dog_name: 'Biscuit', rescue_name: 'Paws Rescue' };

describe('placeholder templates', () => {
  it('fills known placeholders, with or without spaces inside the braces', () => {
    expect(fillPlaceholders(list, '{{dog_name}} from {{ rescue_name }}, {{dog_name}}.', values)).toBe('Biscuit from Paws Rescue, Biscuit.');
  });

  it('leaves unknown placeholders as typed, or throws when asked to', () => {
    expect(fillPlaceholders(list, '{{dog}} {{dog_name}}', values)).toBe('{{dog}} Biscuit');
    expect(() => fillPlaceholders(list, '{{dog}}', values, 'throw')).toThrow('{{dog}}');
  });

  it('names unknown placeholders once each, in order', () => {
    expect(unknownPlaceholders(list, '{{dog}} {{ owner }} {{dog}} {{dog_name}} {{}}')).toEqual(['dog', 'owner', '']);
    expect(unknownPlaceholders(list, 'Plain {braces} and {{dog_name}}')).toEqual([]);
  });

  it('knows only the list’s own names, never inherited ones', () => {
    expect(isPlaceholder(list, 'constructor')).toBe(false);
    expect(unknownPlaceholders(list, '{{constructor}} {{toString}}')).toEqual(['constructor', 'toString']);
    expect(fillPlaceholders(list, '{{constructor}}', values)).toBe('{{constructor}}');
  });

  it('finds braces that are not part of a placeholder', () => {
    expect(hasStrayBraces('Dear {{dog_name}')).toBe(true);
    expect(hasStrayBraces('a }} b')).toBe(true);
    expect(hasStrayBraces('{{dog_name}} {single}')).toBe(false);
  });
});
