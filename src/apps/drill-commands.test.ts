import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDrillReport } from '../ops/drill/ha/report/listing.js';
import { syntheticRun } from '../ops/drill/ha/report/run.testing.js';
import { saveRun } from '../ops/drill/ha/report/store.js';
import { addDrillReportCommand, drillCommand } from './drill-commands.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kona-drill-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `kona drill <args>` in process against a program with the report command; returns its lines. */
async function drill(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('kona').exitOverride();
  program.command('drill').command('restore');
  addDrillReportCommand(drillCommand(program), (l) => lines.push(l));
  await program.parseAsync(['node', 'kona', 'drill', ...args]);
  return lines;
}

describe('kona drill report', () => {
  const older = syntheticRun('run-a', '2026-12-07T10:00:00Z');
  const newer = syntheticRun('run-b', '2026-12-08T09:30:00Z', { drill: 'switchover', lost: ['x-1'] });

  it('says where runs will be when there are none', async () => {
    await expect(drill('report', '--dir', path.join(dir, 'none'))).resolves.toEqual([expect.stringContaining('No HA drill runs in')]);
  });

  it('lists past runs newest first with verdict, write unavailability, lost and p99, and skips what is not a run', async () => {
    writeDrillReport(dir, older);
    writeDrillReport(dir, newer);
    writeFileSync(path.join(dir, 'notes.json'), '{"hello":1}');
    const lines = await drill('report', '--dir', dir);
    expect(lines[0]).toMatch(/^id\s+drill\s+when\s+verdict\s+write unavail\. \(s\)\s+lost\s+p99 \(ms\)$/);
    expect(lines[1]!.split(/\s+/)).toEqual(['run-b', 'switchover', '2026-12-08T09:30:00Z', 'FAIL', newer.figures.writeUnavailableSeconds!.toFixed(2), '1', String(newer.figures.p99MsDuringDrill)]);
    expect(lines[2]!.split(/\s+/).slice(0, 6)).toEqual(['run-a', 'primary-kill', '2026-12-07T10:00:00Z', 'PASS', older.figures.writeUnavailableSeconds!.toFixed(2), '0']);
    expect(lines[3]).toBe('(not a drill run, skipped: notes.json)');
  });

  it('prints a run\'s JSON and HTML paths, rendering the HTML when a drill left only the JSON', async () => {
    const lines = await drill('report', 'run-a', '--dir', dir);
    expect(lines).toEqual([`json ${path.join(dir, 'run-a.json')}`, `html ${path.join(dir, 'run-a.html')}`]);
    saveRun(dir, syntheticRun('run-c', '2026-12-08T11:00:00Z'), '');
    rmSync(path.join(dir, 'run-c.html'));
    await drill('report', 'run-c', '--dir', dir);
    expect(readFileSync(path.join(dir, 'run-c.html'), 'utf8')).toMatch(/^<!doctype html>.*Drill <code>primary-kill<\/code>/s);
  });

  it('refuses an unknown run and an id that is a path', async () => {
    await expect(drill('report', 'run-z', '--dir', dir)).rejects.toThrow(/No drill run "run-z"/);
    await expect(drill('report', '../etc/passwd', '--dir', dir)).rejects.toThrow(/not a drill run id/);
    expect(existsSync(path.join(dir, '..', 'etc'))).toBe(false);
  });
});
