import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSettings } from '../src/platform/config/config.schema.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const cli = readFileSync(new URL('../src/apps/cli.ts', import.meta.url), 'utf8');

describe('README', () => {
  it('keeps the two-command quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });

  it('documents every setting with its default', () => {
    for (const s of describeSettings()) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${s.name}\` |`));
      expect(row, `${s.name} is missing from the README's settings table`).toBeDefined();
      expect(row!.split('|')[2]!.trim(), `${s.name}'s default in the README`).toBe(s.defaultValue);
    }
  });

  it('documents every kona command', () => {
    const commands = [...cli.matchAll(/\.command\('([a-z-]+)/g)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(8);
    for (const c of commands) expect(readme, `kona ${c}`).toMatch(new RegExp(`kona [a-z ]*${c}`));
  });
});
