import { describe, expect, it } from 'vitest';
import { diffConfigs } from './config.diff.js';
import { checkDispatcherConfig } from './config.load.js';

const backend = { name: 'gpu-a', baseUrl: 'http://10.0.0.5:8000', kind: 'vllm', tier: 'dedicated', models: ['m'], slots: 8 };

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

describe('dispatcher config: objectives and admission', () => {
  it('ships objectives per class and objective-aware admission with drafting and batch cheapest first', () => {
    const config = parse({ backends: [backend] });
    expect([config.classes.interactive.objectiveMs, config.classes.drafting.objectiveMs, config.classes.batch.objectiveMs]).toEqual([2000, 10_000, 60_000]);
    expect(config.admission).toEqual({ shed: true, cheapFirst: ['drafting', 'batch'] });
    const own = parse({ backends: [backend], classes: { drafting: { objectiveMs: 20_000 } }, admission: { shed: false, cheapFirst: [] } });
    expect(own.classes.drafting).toEqual({ maxQueued: 500, deadlineMs: 120_000, objectiveMs: 20_000 });
    expect(own.admission).toEqual({ shed: false, cheapFirst: [] });
  });

  it('refuses settings that cannot work, saying where and why', () => {
    expect(problemsOf({ backends: [backend], classes: { batch: { objectiveMs: 0 } } })).toContain('classes.batch.objectiveMs: must be a whole number ≥ 1');
    expect(problemsOf({ backends: [backend], admission: { shed: 'yes' } })).toContain('admission.shed: must be true or false');
    expect(problemsOf({ backends: [backend], admission: { cheapFirst: ['batch', 'batch'] } })).toContain('admission.cheapFirst: must not name a class twice');
    expect(problemsOf({ backends: [backend], admission: { cheapFirst: ['bulk'] } }).join('\n')).toMatch(/^admission\.cheapFirst\[0\]: must be one of interactive, drafting, batch$/m);
    expect(problemsOf({ backends: [backend], admission: { shedLate: true } })).toContain('admission.shedLate: not a known setting (misspelt?)');
  });

  it('a changed objective or admission is a change a reload applies', () => {
    const before = parse({ backends: [backend] });
    const diff = diffConfigs(before, parse({ backends: [backend], classes: { interactive: { objectiveMs: 1500 } }, admission: { shed: false } }));
    expect(diff.settings).toEqual(expect.arrayContaining(['classes', 'admission']));
  });
});
