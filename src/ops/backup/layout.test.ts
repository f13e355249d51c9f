import { describe, expect, it } from 'vitest';
import { backupLayout, backupStamp, stampTime } from './layout.js';

describe('backup layout', () => {
  it('stamps sort by time and read back to the same second', () => {
    const at = new Date('2026-12-07T16:05:01.789Z');
    expect(backupStamp(at)).toBe('20261207T160501Z');
    expect(stampTime('20261207T160501Z')?.toISOString()).toBe('2026-12-07T16:05:01.000Z');
    expect(stampTime('not-a-stamp')).toBeNull();
    expect(backupStamp(new Date('2026-01-02T00:00:00Z')) < backupStamp(at)).toBe(true);
  });

  it('keeps every layer under the backup directory', () => {
    const layout = backupLayout('/srv/kona/backups');
    expect(layout.tenantDump('hope', '20261207T160501Z')).toBe('/srv/kona/backups/dumps/hope/20261207T160501Z');
    expect(layout.lockFile.startsWith('/srv/kona/backups/')).toBe(true);
  });
});
