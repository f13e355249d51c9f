import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DrillFigures } from '../run.js';
import { syntheticRun } from './run.testing.js';
import { judgeTargets, recordDrillFigures } from './targets.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-drill-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const figures: DrillFigures = { writeUnavailableSeconds: 12, acknowledgedLost: 0, indeterminate: 3, detectSeconds: 1, recoverSeconds: 12, p99MsDuringDrill: 900, writeGapSeconds: 11 };
const passed = (drill: string, f: DrillFigures) => judgeTargets(drill, f).map((t) => [t.name, t.pass]);

describe('drill targets', () => {
  it('primary kill: at most 15 s without writes and nothing lost', () => {
    expect(passed('primary-kill', figures)).toEqual([['acknowledged writes lost', true], ['write unavailability (s)', true]]);
    expect(passed('primary-kill', { ...figures, writeUnavailableSeconds: 15.5, acknowledgedLost: 1 })).toEqual([['acknowledged writes lost', false], ['write unavailability (s)', false]]);
  });

  it('switchover: at most 5 s; an unmeasured figure fails its target', () => {
    expect(passed('switchover', figures)).toEqual([['acknowledged writes lost', true], ['write unavailability (s)', false]]);
    expect(passed('switchover', { ...figures, writeUnavailableSeconds: 4.9 })[1]).toEqual(['write unavailability (s)', true]);
    expect(passed('switchover', { ...figures, writeUnavailableSeconds: null })[1]).toEqual(['write unavailability (s)', false]);
  });

  it('partition: no write accepted by the old primary after promotion; other drills: nothing lost', () => {
    expect(passed('partition', { ...figures, oldPrimaryWritesAfterPromotion: 0 })[1]).toEqual(['writes accepted by the old primary after promotion', true]);
    expect(passed('partition', { ...figures, oldPrimaryWritesAfterPromotion: 2 })[1]![1]).toBe(false);
    expect(passed('partition', figures)[1]![1]).toBe(false);
    expect(passed('etcd-member-lost', figures)).toEqual([['acknowledged writes lost', true]]);
  });
});

describe('bench/results/drills.json', () => {
  const file = path.join(dir, 'results', 'drills.json');
  const real = (id: string, drill: string, at: string) => {
    const run = syntheticRun(id, at, { drill });
    return { ...run, check: { ...run.check, sources: ['primary pg2 (127.0.0.1:5433)', 'replica pg1', 'replica pg3'] } };
  };

  it('keeps each drill\'s latest run with its targets, and the other drills\'', () => {
    recordDrillFigures(real('r1', 'switchover', '2026-12-08T01:00:00Z'), file);
    recordDrillFigures(real('r2', 'primary-kill', '2026-12-08T01:05:00Z'), file);
    const entry = recordDrillFigures(real('r3', 'primary-kill', '2026-12-08T01:10:00Z'), file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { drills: Record<string, { runId: string; pass: boolean; targets: unknown[] }> };
    expect(Object.keys(saved.drills)).toEqual(['primary-kill', 'switchover']);
    expect(saved.drills['primary-kill']).toEqual(JSON.parse(JSON.stringify(entry)));
    expect(saved.drills['primary-kill']!.runId).toBe('r3');
    expect(saved.drills['primary-kill']!.pass).toBe(true);
    // The synthetic switchover was 5.04 s without writes: over its 5 s target.
    expect(saved.drills.switchover!.pass).toBe(false);
  });

  it('refuses a run that read no database, and a file that is not its own', () => {
    expect(() => recordDrillFigures(syntheticRun('fixture', '2026-12-08T02:00:00Z'), file)).toThrow(/read no database/);
    const other = path.join(dir, 'other.json');
    writeFileSync(other, 'not json');
    expect(() => recordDrillFigures(real('r4', 'switchover', '2026-12-08T02:00:00Z'), other)).toThrow(/not a drills results file/);
    expect(readFileSync(other, 'utf8')).toBe('not json');
  });
});
