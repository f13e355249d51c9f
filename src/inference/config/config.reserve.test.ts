import { describe, expect, it } from 'vitest';
import { defaultReserve } from '../scheduler/router.js';
import { diffConfigs } from './config.diff.js';
import { checkDispatcherConfig } from './config.load.js';

const backend = (extra: object = {}) => ({ name: 'gpu-a', baseUrl: 'http://10.0.0.5:8000', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 8, ...extra });

function parse(raw: object) {
  const check = checkDispatcherConfig(raw);
  if (!check.ok) throw new Error(check.problems.join('\n'));
  return check.config;
}
function problemsOf(raw: object): string[] {
  const check = checkDispatcherConfig(raw);
  if (check.ok) throw new Error('expected the configuration to be refused');
  return check.problems;
}

describe('dispatcher config: class reserve', () => {
  it('ships the default reserve for every backend, and takes a default, per-tier and per-backend reserve', () => {
    expect(parse({ backends: [backend()] }).reserve).toEqual(defaultReserve);
    const config = parse({
      backends: [backend(), backend({ name: 'gpu-b', tier: 'shared', reserve: { drafting: 0, batch: 1 } })],
      reserve: { drafting: 1, batch: 3, tiers: { shared: { drafting: 2, batch: 2 } } },
    });
    expect(config.reserve).toEqual({ drafting: 1, batch: 3, tiers: { shared: { drafting: 2, batch: 2 } } });
    expect(config.backends[1]?.reserve).toEqual({ drafting: 0, batch: 1 });
  });

  it('refuses a reserve that cannot work, saying where and why', () => {
    expect(problemsOf({ backends: [backend()], reserve: { drafting: 3, batch: 1 } })).toContain(
      'reserve.batch: must be at least drafting: the slots kept from drafting are kept from batch too');
    expect(problemsOf({ backends: [backend()], reserve: { drafting: -1 } })).toContain('reserve.drafting: must be a whole number ≥ 0');
    expect(problemsOf({ backends: [backend()], reserve: { tiers: { gpu: { drafting: 0, batch: 0 } } } }).join('\n')).toMatch(/reserve\.tiers/);
    expect(problemsOf({ backends: [backend()], reserve: { interactive: 1 } })).toContain('reserve.interactive: not a known setting (misspelt?)');
    expect(problemsOf({ backends: [backend({ slots: 2, reserve: { drafting: 1, batch: 2 } })] })).toContain(
      'backends[0].reserve.batch: must be less than slots (2): batch would be left no slot');
  });

  it('a changed reserve is a change a reload applies (settings and per backend)', () => {
    const before = parse({ backends: [backend()] });
    const after = parse({ backends: [backend({ reserve: { drafting: 0, batch: 0 } })], reserve: { drafting: 1, batch: 1 } });
    const diff = diffConfigs(before, after);
    expect(diff.settings).toContain('reserve');
    expect(diff.changed[0]?.fields).toEqual(['reserve']);
  });
});
