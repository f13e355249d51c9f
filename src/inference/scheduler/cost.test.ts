import { describe, expect, it } from 'vitest';
import { defaultOutputTokens, OutputTracker, promptTokensFromChars, tokenCost } from './cost.js';

describe('token cost', () => {
  it('weighs output tokens twice prompt tokens, never below 1', () => {
    expect(tokenCost({ promptTokens: 400, outputTokens: 120 })).toBe(640);
    expect(tokenCost({ promptTokens: 0, outputTokens: 0 })).toBe(1);
    // A long draft costs several short chats.
    expect(tokenCost({ promptTokens: 1600, outputTokens: 800 }) / tokenCost({ promptTokens: 100, outputTokens: 60 })).toBeGreaterThan(10);
  });

  it('estimates prompt tokens from characters and messages', () => {
    expect(promptTokensFromChars(400, 2)).toBe(100 + 8);
    expect(promptTokensFromChars(1, 1)).toBe(1 + 4);
  });

  it('expects max_tokens until the class has been seen, then caps it at twice the typical output', () => {
    const t = new OutputTracker();
    expect(t.expected('drafting', undefined)).toBe(defaultOutputTokens.drafting);
    expect(t.expected('drafting', 4096)).toBe(4096);
    for (let i = 0; i < 50; i++) t.observe('drafting', 300);
    expect(t.expected('drafting', undefined)).toBe(300);
    expect(t.expected('drafting', 4096)).toBe(600); // a generous bound is not what it will cost
    expect(t.expected('drafting', 100)).toBe(100); // a tight bound is
    expect(t.expected('batch', undefined)).toBe(defaultOutputTokens.batch); // per class
    t.observe('batch', Number.NaN);
    t.observe('batch', -3);
    expect(t.expected('batch', undefined)).toBe(defaultOutputTokens.batch); // nonsense counts are ignored
  });
});
