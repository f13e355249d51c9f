import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillRun, HistoryEntry } from '../run.js';
import { finishDrillRun } from './finish.js';
import { syntheticRun } from './run.testing.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-drill-finish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finishDrillRun', () => {
  it('computes the figures from the history, keeps a measured one, writes the report and records drills.json', () => {
    const { figures: _f, writeGap: _g, ...base } = syntheticRun('p1', '2026-12-08T01:00:00Z', { drill: 'partition' });
    const history: HistoryEntry[] = [
      { id: 'a', tenant: 't', kind: 'application', startT: 9, endT: 9.1, outcome: 'ok' },
      { id: 'b', tenant: 't', kind: 'application', startT: 10.5, endT: 12, outcome: 'indeterminate' },
      { id: 'c', tenant: 't', kind: 'application', startT: 14.5, endT: 15, outcome: 'ok' },
    ];
    const real = { ...base, check: { ...base.check, sources: ['primary pg2'] }, figures: { oldPrimaryWritesAfterPromotion: 0 } };
    const resultsFile = path.join(dir, 'drills.json');
    const { run, files, result } = finishDrillRun({ dir, run: real, history, resultsFile });
    expect(run.figures).toMatchObject({ writeUnavailableSeconds: 4.5, indeterminate: 1, detectSeconds: 2, writeGapSeconds: expect.closeTo(5.9, 5), oldPrimaryWritesAfterPromotion: 0 });
    expect(run.writeGap).toEqual({ lastOldT: 9.1, firstNewT: 15 });
    expect((JSON.parse(readFileSync(files.json, 'utf8')) as DrillRun).figures).toEqual(run.figures);
    expect(existsSync(files.html)).toBe(true);
    expect(result?.targets.map((t) => t.pass)).toEqual([true, true]);
    expect(Object.keys((JSON.parse(readFileSync(resultsFile, 'utf8')) as { drills: object }).drills)).toEqual(['partition']);
  });
});
