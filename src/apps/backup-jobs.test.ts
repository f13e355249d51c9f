import { describe, expect, it } from 'vitest';
import type { JobContext } from '../platform/jobs/index.js';
import { jobDefinitions, type JobDeps } from './jobs.js';

describe('scheduled backups', () => {
  const calls: string[] = [];
  const deps = {
    backup: async (layer: 'dump' | 'snapshot' | 'restic') => void calls.push(layer),
    backupCron: { dump: '0 1 * * *', snapshot: undefined, restic: '15 4 * * *' },
  } as unknown as JobDeps;
  const defs = jobDefinitions(deps);
  const job = (name: string) => defs.find((d) => d.name === name)!;
  const on = (label: string) => ({ source: { label } }) as unknown as JobContext;

  it('take their schedule from the settings; a layer set to off has none but can still be run', () => {
    expect(job('backup.dump').cron).toBe('0 1 * * *');
    expect(job('backup.snapshot')).toBeDefined();
    expect(job('backup.snapshot').cron).toBeUndefined();
    expect(job('backup.restic').cron).toBe('15 4 * * *');
  });

  it('run once, from the control plane\'s queue, not from each rescue\'s', async () => {
    await job('backup.dump').handler({}, on('alpha'));
    expect(calls).toEqual([]);
    await job('backup.dump').handler({}, on('control'));
    await job('backup.snapshot').handler({}, on('control'));
    await job('backup.restic').handler({}, on('alpha'));
    await job('backup.restic').handler({}, on('control'));
    expect(calls).toEqual(['dump', 'snapshot', 'restic']);
  });
});
